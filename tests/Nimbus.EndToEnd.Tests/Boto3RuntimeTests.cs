// SPDX-License-Identifier: Apache-2.0
namespace Nimbus.EndToEnd.Tests;

/// <summary>
/// Each runtime under the server's default sandbox (Scripts/runtimes.py): Python's boto3 on every Python runtime, a
/// function's own boto3 winning over it, and OS-only runtimes with a shell bootstrap.
/// </summary>
public sealed class Boto3RuntimeTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    [Theory]
    [MemberData(nameof(RuntimeCases.All), MemberType = typeof(RuntimeCases))]
    public async Task Case_Passes(string name, string runtime)
    {
        var result = await fixture.Clients.Boto3Async("runtimes.py", name, runtime);

        Assert.True(result.ExitCode == 0, $"runtime case {name} on {runtime} failed: {result}\n--- server\n{fixture.Server.Output}");
        Assert.EndsWith("ok", result.StandardOutput.TrimEnd(), StringComparison.Ordinal);
        TestContext.Current.TestOutputHelper?.WriteLine(result.StandardOutput);
    }
}
