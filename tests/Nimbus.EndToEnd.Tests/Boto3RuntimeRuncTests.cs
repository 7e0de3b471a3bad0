// SPDX-License-Identifier: Apache-2.0
namespace Nimbus.EndToEnd.Tests;

/// <summary>The cases of <see cref="Boto3RuntimeTests"/> in the runc sandbox, where the SDK is reached through its binds.</summary>
public sealed class Boto3RuntimeRuncTests(RuncServerFixture fixture) : IClassFixture<RuncServerFixture>
{
    [Theory]
    [MemberData(nameof(RuntimeCases.All), MemberType = typeof(RuntimeCases))]
    public async Task Case_Passes(string name, string runtime)
    {
        var (server, clients) = fixture.Require();

        var result = await clients.Boto3Async("runtimes.py", name, runtime);

        Assert.True(result.ExitCode == 0, $"runtime case {name} on {runtime} failed under runc: {result}\n--- server\n{server.Output}");
        Assert.EndsWith("ok", result.StandardOutput.TrimEnd(), StringComparison.Ordinal);
        TestContext.Current.TestOutputHelper?.WriteLine(result.StandardOutput);
    }
}
