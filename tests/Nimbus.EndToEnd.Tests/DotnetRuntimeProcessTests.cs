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
        var build = await DotnetFunctionBuild.GetAsync();

        var result = await build.RunCasesAsync(fixture.Clients, runtime);

        Assert.True(result.ExitCode == 0, $"dotnet cases on {runtime} failed under the process sandbox: {result}\n--- server\n{fixture.Server.Output}");
        Assert.EndsWith("ok", result.StandardOutput.TrimEnd(), StringComparison.Ordinal);
    }
}
