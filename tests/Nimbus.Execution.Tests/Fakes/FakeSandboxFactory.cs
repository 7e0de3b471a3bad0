// SPDX-License-Identifier: Apache-2.0
using Nimbus.Execution.Sandboxes;

namespace Nimbus.Execution.Tests.Fakes;

/// <summary>Starts <see cref="FakeSandbox"/>es that all play the same <see cref="FakeInitScript"/>, and keeps them for assertions.</summary>
internal sealed class FakeSandboxFactory(FakeInitScript script) : ISandboxFactory
{
    private readonly Lock _lock = new();
    private readonly List<FakeSandbox> _sandboxes = [];

    public string Name => "fake";

    /// <summary>Every sandbox started so far, in order.</summary>
    public IReadOnlyList<FakeSandbox> Sandboxes
    {
        get
        {
            lock (_lock)
            {
                return [.. _sandboxes];
            }
        }
    }

    public async Task<ISandbox> StartAsync(SandboxSpec spec, CancellationToken cancellationToken)
    {
        FakeSandbox sandbox;
        lock (_lock)
        {
            sandbox = new FakeSandbox(_sandboxes.Count + 1, spec, script);
            _sandboxes.Add(sandbox);
        }

        await sandbox.ConnectAsync(cancellationToken);
        return sandbox;
    }
}
