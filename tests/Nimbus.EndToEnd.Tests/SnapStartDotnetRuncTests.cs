// SPDX-License-Identifier: Apache-2.0
namespace Nimbus.EndToEnd.Tests;

/// <summary>SnapStart of dotnet10 functions under runc (Scripts/snapstart_dotnet.py): a spare is a container like any environment.</summary>
public sealed class SnapStartDotnetRuncTests(RuncServerFixture fixture) : IClassFixture<RuncServerFixture>
{
    [Theory]
    [InlineData("runc_restored")]
    [InlineData("failing_before_hook_fails_the_version")]
    [InlineData("failing_after_hook_is_snapstart_exception")]
    public async Task Case_Passes(string name)
    {
        var (server, clients) = fixture.Require();
        var build = await DotnetFunctionBuild.GetAsync();

        var result = await SnapStartDotnetCases.RunAsync(clients, build, "dotnet10", name);

        Assert.True(result.ExitCode == 0, $".NET SnapStart case {name} under runc failed: {result}\n--- server\n{server.Output}");
    }
}
