// SPDX-License-Identifier: Apache-2.0
namespace Nimbus.EndToEnd.Tests;

/// <summary>
/// <see cref="Boto3ExtensionTests"/>' cases in the process sandbox, and the post-invoke case, which needs the host's
/// network: the extension holds its post-invoke phase until the test, already holding its answer, lets it go.
/// </summary>
public sealed class Boto3ExtensionProcessTests(ProcessServerFixture fixture) : IClassFixture<ProcessServerFixture>
{
    [Theory]
    [MemberData(nameof(Boto3ExtensionTests.Cases), MemberType = typeof(Boto3ExtensionTests))]
    [InlineData("post_invoke_does_not_delay_answer")]
    public async Task Case_Passes(string name)
    {
        var (server, clients) = fixture.Require();

        var result = await clients.Boto3Async("extensions.py", name);

        Assert.True(result.ExitCode == 0, $"extension case {name} failed under the process sandbox: {result}\n--- server\n{server.Output}");
        Assert.EndsWith("ok", result.StandardOutput.TrimEnd(), StringComparison.Ordinal);
    }
}
