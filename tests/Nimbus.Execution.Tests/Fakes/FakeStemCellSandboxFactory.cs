// SPDX-License-Identifier: Apache-2.0
using Nimbus.Execution.Sandboxes;

namespace Nimbus.Execution.Tests.Fakes;

/// <summary>
/// A backend that says it can make stem cells: for the pool's sizing it starts nothing; given a
/// <see cref="FakeSandboxFactory"/>, its cells are that factory's fake sandboxes.
/// </summary>
internal sealed class FakeStemCellSandboxFactory(FakeSandboxFactory? cells = null) : IStemCellSandboxFactory
{
    public string Name => "fake-stem-cells";

    public Task<ISandbox> StartAsync(SandboxSpec spec, CancellationToken cancellationToken) =>
        cells?.StartAsync(spec, cancellationToken) ?? throw new NotSupportedException("the sizing tests start no cells");
}
