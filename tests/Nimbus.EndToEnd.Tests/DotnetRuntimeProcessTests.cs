// SPDX-License-Identifier: Apache-2.0
namespace Nimbus.EndToEnd.Tests;

/// <summary>The cases of <see cref="DotnetRuntimeTests"/> under the process sandbox: host paths for the task root, layers and .NET root.</summary>
public sealed class DotnetRuntimeProcessTests(ProcessServerFixture fixture) : IClassFixture<ProcessServerFixture>
{
    [Theory]
    [InlineData("dotnet10")]
    [InlineData("dotnet8")]
    public async Task Cases_Pass(string runtime)
    {
        var (server, clients) = fixture.Require();
        var build = await DotnetFunctionBuild.GetAsync();

        var result = await build.RunCasesAsync(clients, runtime);

        Assert.True(result.ExitCode == 0, $"dotnet cases on {runtime} failed under the process sandbox: {result}\n--- server\n{server.Output}");
        Assert.EndsWith("ok", result.StandardOutput.TrimEnd(), StringComparison.Ordinal);
    }
}
