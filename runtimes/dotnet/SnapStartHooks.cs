// SPDX-License-Identifier: Apache-2.0
using System.Reflection;

namespace Nimbus.Lambda.RuntimeSupport;

/// <summary>
/// SnapStart's runtime hooks (docs/runtimes.md#snapstart): what the function registered with Amazon.Lambda.Core's
/// <c>SnapshotRestore.RegisterBeforeSnapshot</c> / <c>RegisterAfterRestore</c>. Amazon.Lambda.Core keeps them in two
/// queues of its own and hands them over through its internal <c>CopyBeforeSnapshotCallbacksToRegistry</c> and
/// <c>CopyAfterRestoreCallbacksToRegistry</c> (an <c>Action&lt;Func&lt;ValueTask&gt;&gt;</c> called per hook, in
/// registration order), which AWS's RuntimeSupport calls once init is over. Amazon.Lambda.Core is the function's,
/// bound by name, so they are found by reflection on the copy the function loaded; a function that never loaded it
/// registered nothing. Before-snapshot hooks run last registered first, after-restore hooks in registration order, as
/// in AWS's RuntimeSupport.
/// </summary>
internal sealed class SnapStartHooks
{
    private const string CoreAssembly = "Amazon.Lambda.Core";
    private const string SnapshotRestoreType = "Amazon.Lambda.Core.SnapshotRestore";

    private readonly List<Func<ValueTask>> _beforeSnapshot = [];
    private readonly List<Func<ValueTask>> _afterRestore = [];

    private SnapStartHooks()
    {
    }

    /// <summary>Takes what the function registered so far (its handler's type was constructed: init is over).</summary>
    public static SnapStartHooks Collect(FunctionLoadContext context)
    {
        var hooks = new SnapStartHooks();
        var snapshotRestore = context.Assemblies.FirstOrDefault(static a => a.GetName().Name == CoreAssembly)?.GetType(SnapshotRestoreType);
        if (snapshotRestore is null)
        {
            return hooks;
        }

        Copy(snapshotRestore, "CopyBeforeSnapshotCallbacksToRegistry", hooks._beforeSnapshot);
        Copy(snapshotRestore, "CopyAfterRestoreCallbacksToRegistry", hooks._afterRestore);
        return hooks;
    }

    public async Task RunBeforeSnapshotAsync()
    {
        for (var i = _beforeSnapshot.Count - 1; i >= 0; i--)
        {
            await _beforeSnapshot[i]().ConfigureAwait(false);
        }
    }

    public async Task RunAfterRestoreAsync()
    {
        foreach (var hook in _afterRestore)
        {
            await hook().ConfigureAwait(false);
        }
    }

    private static void Copy(Type snapshotRestore, string method, List<Func<ValueTask>> into)
    {
        // An Amazon.Lambda.Core older than SnapStart (or a stand-in without it) has no such method: no hooks.
        var copy = snapshotRestore.GetMethod(method, BindingFlags.Static | BindingFlags.NonPublic | BindingFlags.Public, [typeof(Action<Func<ValueTask>>)]);
        copy?.Invoke(null, [new Action<Func<ValueTask>>(into.Add)]);
    }
}
