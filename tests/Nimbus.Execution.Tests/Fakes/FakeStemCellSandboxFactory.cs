// SPDX-License-Identifier: Apache-2.0
using Nimbus.Execution.Sandboxes;

namespace Nimbus.Execution.Tests.Fakes;

/// <summary>A backend that says it can make stem cells, for the pool's sizing; it starts nothing.</summary>
internal sealed class FakeStemCellSandboxFactory : IStemCellSandboxFactory
{
    public string Name => "fake-stem-cells";

    public Task<ISandbox> StartAsync(SandboxSpec spec, CancellationToken cancellationToken) =>
        throw new NotSupportedException("the sizing tests start no cells");
}
