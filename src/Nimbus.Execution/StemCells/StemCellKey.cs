// SPDX-License-Identifier: Apache-2.0
namespace Nimbus.Execution.StemCells;

/// <summary>What a stem cell is made for: a runtime, and outbound network or loopback only (fixed at the container's creation).</summary>
internal readonly record struct StemCellKey(string RuntimeId, bool OutboundNetwork);
