// SPDX-License-Identifier: Apache-2.0
namespace Nimbus.EndToEnd.Tests;

/// <summary>
/// A real nimbus server with the runc sandbox and stem cells of python3.11 and nodejs20.x (runtime cells) and
/// provided.al2023 (sandbox cells) from the start, at most one per runtime and kind (so a few concurrent cold starts
/// find the pool empty). Needs root and runc, like the isolation tests.
/// </summary>
public sealed class StemCellServerFixture : SandboxServerFixture
{
    protected override string TestsName => "stem-cell tests";

    protected override IReadOnlyDictionary<string, string> Environment { get; } = new Dictionary<string, string>
    {
        ["NIMBUS_SANDBOX"] = "runc",
        ["NIMBUS_STEM_CELL_RUNTIMES"] = "python3.11,nodejs20.x,provided.al2023",
        ["NIMBUS_STEM_CELLS_MINIMUM"] = "1",
        ["NIMBUS_STEM_CELLS_MAXIMUM"] = "1",
    };

    protected override Task<string?> MissingAsync() => Task.FromResult(RuncPrerequisites.Missing());
}
