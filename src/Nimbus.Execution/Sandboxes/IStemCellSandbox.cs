// SPDX-License-Identifier: Apache-2.0
namespace Nimbus.Execution.Sandboxes;

/// <summary>
/// A sandbox started as a stem cell (<see cref="SandboxSpec.StemCell"/>): it gets its function's code, layers and
/// limits later, once. Only the runc backend makes them.
/// </summary>
internal interface IStemCellSandbox : ISandbox
{
    /// <summary>What the cell was made with (its host directories are a runtime's, bound when it was made).</summary>
    SandboxSpec Spec { get; }

    /// <summary>
    /// Shows <paramref name="codeDirectory"/> at /var/task and <paramref name="optDirectory"/> (if any) at /opt,
    /// read-only; sets the memory limit, the CPU share and the size of /tmp. Throws
    /// <see cref="SandboxStartException"/> when the cell cannot be specialized (then it must be discarded).
    /// </summary>
    Task SpecializeAsync(string codeDirectory, string? optDirectory, int memoryMb, int ephemeralStorageMb, CancellationToken cancellationToken);
}
