// SPDX-License-Identifier: Apache-2.0
using Nimbus.Bench.Fuzz;

namespace Nimbus.EndToEnd.Tests;

/// <summary>
/// A short, fixed-seed run of the bench's bad-input fuzz pass (bench/Nimbus.Bench/Fuzz) against the real server:
/// random methods, every route of the Lambda API, SQS JSON and query, code URLs and health, with odd names,
/// qualifiers, bodies and headers. Not one request may get a 5xx or lose its connection.
/// </summary>
public sealed class FuzzTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    [Fact]
    public async Task FixedSeedFuzzPass_No5xxAndNoDroppedConnection()
    {
        var result = await FuzzRunner.RunAsync(fixture.Server.Endpoint, seed: 20261203, requests: 600, concurrency: 2, TestContext.Current.CancellationToken);

        Assert.Equal(600, result.Requests);
        Assert.True(result.Passed, $"{result}\n--- server\n{fixture.Server.Output}");
    }
}
