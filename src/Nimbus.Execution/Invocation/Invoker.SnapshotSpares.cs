// SPDX-License-Identifier: Apache-2.0
using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using Nimbus.Core.Arns;
using Nimbus.Core.Functions;
using Nimbus.Execution.Environments;
using Nimbus.Execution.Sandboxes;

namespace Nimbus.Execution.Invocation;

/// <summary>
/// A spare per SnapStart template (docs/cold-starts.md#snapstart): the version's next environment prepared ahead, its
/// sandbox started and nimbus-init connected, no runtime and nothing of an invocation in it. A new environment of the
/// version takes it, so what is left on the invocation's clock is the template's fork and the after-restore work; the
/// spare is made again in the background. Without one the environment starts the usual way.
/// </summary>
public sealed partial class Invoker
{
    /// <summary>
    /// The template's spare when there is one for <paramref name="network"/>. The caller asks for the next one with
    /// <see cref="Refill"/> once its environment finished its init: making a spare starts a process, which on a busy
    /// host would compete with the restore it is meant to speed up.
    /// </summary>
    private static ExecutionEnvironment? TakeSpare(SnapshotTemplate template, bool network)
    {
        var slot = template.Spare;
        var spare = Interlocked.Exchange(ref slot.Environment, null);
        if (spare is null)
        {
            return null;
        }

        if (spare.Sandbox.Exited.IsCompleted || slot.Network != network)
        {
            _ = spare.DisposeAsync().AsTask();
            return null;
        }

        return spare;
    }

    /// <summary>Makes the template's spare in the background, unless it has one, one is being made, or it was dropped.</summary>
    private void Refill(SnapshotTemplate template, FunctionVersion version)
    {
        if (template.Spares is { } spares)
        {
            RefillPreinitialized(spares, version);
            return;
        }

        var slot = template.Spare;
        if (slot.Dropped || Volatile.Read(ref slot.Environment) is not null || Interlocked.CompareExchange(ref slot.Filling, 1, 0) != 0)
        {
            return;
        }

        _ = FillSpareAsync(template, version);
    }

    private async Task FillSpareAsync(SnapshotTemplate template, FunctionVersion version)
    {
        var slot = template.Spare;
        try
        {
            // Off the caller's path: the invocation that asked for it goes on at once.
            await Task.Yield();
            var network = _options.OutboundNetwork;
            var codeDirectory = await _code.EnsureUnpackedAsync(version.CodeSha256, CancellationToken.None);
            var optDirectory = await _layers.EnsureAsync(LayerPackages(version), CancellationToken.None);
            var spec = RestoreSpec(Spec(version, network, Guid.NewGuid().ToString("N"), codeDirectory, optDirectory, null), template, version);
            var spare = await ExecutionEnvironment.PrepareSpareAsync(_sandboxes, spec, _time, _logger, CancellationToken.None);
            slot.Network = network;
            if (slot.Dropped || Interlocked.CompareExchange(ref slot.Environment, spare, null) is not null)
            {
                await spare.DisposeAsync();
            }
            else if (slot.Dropped && Interlocked.Exchange(ref slot.Environment, null) is { } late)
            {
                // Dropped while it was being stored: nobody else will take it.
                await late.DisposeAsync();
            }
        }
        catch (Exception e) when (e is IOException or SandboxStartException or SocketException or InvalidOperationException)
        {
            SpareLog.SpareFailed(_logger, version.Name, version.Version, e.Message);
        }
        finally
        {
            Volatile.Write(ref slot.Filling, 0);
        }
    }

    /// <summary>The spare becomes the new environment: nimbus-init asks the template to fork its runtime. Null when it cannot.</summary>
    private async Task<ExecutionEnvironment?> StartSpareAsync(
        ExecutionEnvironment spare,
        SnapshotTemplate template,
        Scope scope,
        FunctionVersion function,
        string stream,
        string codeDirectory,
        string? optDirectory,
        CancellationToken cancellationToken)
    {
        try
        {
            var launch = RestoreLaunch(_launcher.Create(scope, function, stream, SnapStart.InitializationType, spare.Paths, codeDirectory, optDirectory), template);
            await spare.StartSpareAsync(launch, stream, _time.GetUtcNow(), cancellationToken);
            return spare;
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException or SocketException)
        {
            SpareLog.SpareFailed(_logger, function.Name, function.Version, e.Message);
            await spare.DisposeAsync();
            return null;
        }
        catch
        {
            await spare.DisposeAsync();
            throw;
        }
    }

    /// <summary>The template goes: so does its spare, and one being made is dropped when it is ready.</summary>
    private static async Task DropSpareAsync(SnapshotTemplate template)
    {
        template.Spare.Dropped = true;
        if (Interlocked.Exchange(ref template.Spare.Environment, null) is { } spare)
        {
            await spare.DisposeAsync();
        }

        if (template.Spares is { } spares)
        {
            await spares.DropAsync();
        }
    }

    /// <summary>A template's spare environment and whether one is being made.</summary>
    private sealed class SpareSlot
    {
        public ExecutionEnvironment? Environment;
        public int Filling;
        public volatile bool Dropped;
        public volatile bool Network;
    }

    private static partial class SpareLog
    {
        [LoggerMessage(EventId = 3222, Level = LogLevel.Warning, Message = "SnapStart spare environment of {FunctionName}:{Version} failed: {Reason}")]
        public static partial void SpareFailed(ILogger logger, string functionName, string version, string reason);
    }
}
