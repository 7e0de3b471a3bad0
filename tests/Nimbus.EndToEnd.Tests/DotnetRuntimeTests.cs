// SPDX-License-Identifier: Apache-2.0
using System.Text;

namespace Nimbus.EndToEnd.Tests;

/// <summary>
/// dotnet10 and dotnet8 under the server's default sandbox (runc as root with runc installed): every case of
/// Scripts/dotnet.py with boto3, and a function created and invoked with the AWS CLI v2. The C# functions are built
/// by <c>dotnet publish</c> in the test (<see cref="DotnetFunctionBuild"/>); dotnet8's runtime comes from NuGet's
/// runtime pack on its first use.
/// </summary>
public sealed class DotnetRuntimeTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    private const string Role = "arn:aws:iam::000000000000:role/lambda-role";

    [Theory]
    [InlineData("dotnet10")]
    [InlineData("dotnet8")]
    public async Task Cases_Pass(string runtime)
    {
        var build = await DotnetFunctionBuild.GetAsync();

        var result = await build.RunCasesAsync(fixture.Clients, runtime);

        Assert.True(result.ExitCode == 0, $"dotnet cases on {runtime} failed: {result}\n--- server\n{fixture.Server.Output}");
        Assert.EndsWith("ok", result.StandardOutput.TrimEnd(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task CreateAndInvoke_WithTheCli_RunsTheCSharpHandler()
    {
        var build = await DotnetFunctionBuild.GetAsync();
        var cli = fixture.Clients;
        var function = $"cli-dotnet-{Guid.NewGuid():N}"[..24];
        var output = Path.GetTempFileName();
        try
        {
            var created = await cli.CliJsonAsync(
                "lambda", "create-function", "--function-name", function, "--runtime", "dotnet10", "--handler", "Echo::Echo.Function::Context",
                "--role", Role, "--zip-file", $"fileb://{Path.Combine(build.Directory, "fn10.zip")}", "--environment", "Variables={GREETING=from-cli}");
            Assert.Equal("dotnet10", (string?)created["Runtime"]);
            await cli.CliJsonAsync("lambda", "wait", "function-active-v2", "--function-name", function);

            var invoked = await cli.CliJsonAsync("lambda", "invoke", "--function-name", function, "--payload", Convert.ToBase64String(Encoding.UTF8.GetBytes("{}")), output);
            Assert.Equal(200, (int?)invoked["StatusCode"]);
            Assert.Null(invoked["FunctionError"]);
            var answer = System.Text.Json.Nodes.JsonNode.Parse(await File.ReadAllTextAsync(output, TestContext.Current.CancellationToken))!;
            Assert.Equal(function, (string?)answer["functionName"]);
            Assert.Equal("from-cli", (string?)answer["greeting"]);
            Assert.Equal("AWS_Lambda_dotnet10", (string?)answer["executionEnv"]);
            Assert.Equal(10, (int?)answer["framework"]);

            await cli.CliJsonAsync("lambda", "update-function-configuration", "--function-name", function, "--handler", "Echo::Echo.Function::Fail");
            await cli.CliJsonAsync("lambda", "wait", "function-updated-v2", "--function-name", function);
            var failed = await cli.CliJsonAsync("lambda", "invoke", "--function-name", function, output);
            Assert.Equal("Unhandled", (string?)failed["FunctionError"]);
            var error = System.Text.Json.Nodes.JsonNode.Parse(await File.ReadAllTextAsync(output, TestContext.Current.CancellationToken))!;
            Assert.Equal("InvalidOperationException", (string?)error["errorType"]);
            Assert.Equal("ArgumentException", (string?)error["cause"]!["errorType"]);
        }
        finally
        {
            File.Delete(output);
        }
    }
}
