// SPDX-License-Identifier: Apache-2.0
namespace Nimbus.Execution.StemCells;

/// <summary>
/// The stem-cell pool (docs/cold-starts.md): runc sandboxes with a managed runtime's interpreter started ahead of need,
/// each specialized once to the function whose cold start takes it.
/// </summary>
public sealed class StemCellOptions
{
    /// <summary>Keep stem cells at all (only the runc sandbox can).</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>Cells kept per runtime once the runtime is in demand (or listed in <see cref="Runtimes"/>).</summary>
    public int Minimum { get; set; } = 1;

    /// <summary>At most this many cells per runtime, however great the demand.</summary>
    public int Maximum { get; set; } = 8;

    /// <summary>What all waiting cells together may use, in MB, by their measured footprint.</summary>
    public int MemoryBudgetMb { get; set; } = 1024;

    /// <summary>Demand is the number of cold starts of a runtime within this window; the pool holds that many (within minimum and maximum).</summary>
    public TimeSpan DemandWindow { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Runtimes kept at <see cref="Minimum"/> from the server's start, before any demand (e.g. python3.12).</summary>
    public IList<string> Runtimes { get; } = [];

    /// <summary>
    /// How long a runtime not listed in <see cref="Runtimes"/> stays in the pool after its last cold start, across
    /// restarts of the server; then its cells are shut down.
    /// </summary>
    public TimeSpan KeepFor { get; set; } = TimeSpan.FromHours(24);

    /// <summary>
    /// Where the pool keeps each runtime's last cold start, so that a restarted server refills for the runtimes in use
    /// at once (a line per runtime, network and kind); null: nothing is kept.
    /// </summary>
    public string? DemandFile { get; set; }
}
