// SPDX-License-Identifier: Apache-2.0
namespace Nimbus.EndToEnd.Tests;

/// <summary>The Java and fetched Node.js cases of <see cref="Boto3JvmTests"/> under the process sandbox, where the JDK and the cache are read in place.</summary>
public sealed class Boto3JvmProcessTests(ProcessServerFixture fixture) : IClassFixture<ProcessServerFixture>
{
    [Theory]
    [MemberData(nameof(JvmCases.Runtimes), MemberType = typeof(JvmCases))]
    public async Task Case_Passes(string name)
    {
        var (server, clients) = fixture.Require();

        var result = await clients.Boto3Async("jvm.py", name);

        Assert.True(result.ExitCode == 0, $"case {name} failed under the process sandbox: {result}\n--- server\n{server.Output}");
        Assert.EndsWith("ok", result.StandardOutput.TrimEnd(), StringComparison.Ordinal);
    }
}
