// SPDX-License-Identifier: Apache-2.0
namespace Nimbus.EndToEnd.Tests;

/// <summary>The stem-cell pool under runc (Scripts/stemcells.py): isolation between functions, limits, fallback.</summary>
public sealed class StemCellTests(StemCellServerFixture fixture) : IClassFixture<StemCellServerFixture>
{
    [Theory]
    [InlineData("nothing_of_one_function_in_another")]
    [InlineData("limits_of_the_function_after_specialization")]
    [InlineData("layers_and_code_read_only")]
    [InlineData("empty_pool_falls_back")]
    [InlineData("node_stem_cell")]
    [InlineData("waiting_cells_on_metrics")]
    [InlineData("sandbox_cell_custom_runtime")]
    [InlineData("sandbox_cell_for_variables_read_at_start")]
    [InlineData("sandbox_cell_for_external_extensions")]
    public async Task Case_Passes(string name)
    {
        var (server, clients) = fixture.Require();

        var result = await clients.Boto3Async("stemcells.py", name, server.DataDir);

        Assert.True(result.ExitCode == 0, $"stem-cell case {name} failed: {result}\n--- server\n{server.Output}");
    }
}
