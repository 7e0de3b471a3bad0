// SPDX-License-Identifier: Apache-2.0
namespace Nimbus.Execution.StemCells;

/// <summary>
/// What a stem cell is made for: a runtime, outbound network or loopback only (fixed at the container's creation),
/// and whether it holds the runtime's interpreter started ahead or only its sandbox (<see cref="SandboxOnly"/>: a
/// sandbox cell, nimbus-init connected and waiting for its runtime's start).
/// </summary>
internal readonly record struct StemCellKey(string RuntimeId, bool OutboundNetwork, bool SandboxOnly = false)
{
    /// <summary>The kind, as the <c>nimbus_stem_cells</c> gauge labels it: <c>runtime</c> or <c>sandbox</c>.</summary>
    public string Kind => SandboxOnly ? "sandbox" : "runtime";
}
