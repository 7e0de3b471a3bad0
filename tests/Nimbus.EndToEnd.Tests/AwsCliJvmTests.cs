// SPDX-License-Identifier: Apache-2.0
using System.IO.Compression;
using Nimbus.TestKit;

namespace Nimbus.EndToEnd.Tests;

/// <summary>nodejs22.x and nodejs24.x functions and runtime management with the AWS CLI v2.</summary>
public sealed class AwsCliJvmTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    private const string Role = "arn:aws:iam::000000000000:role/lambda-role";

    [Theory]
    [InlineData("nodejs22.x", "v22.")]
    [InlineData("nodejs24.x", "v24.")]
    public async Task NodeFunction_WithTheCli_RunsOnItsExactMajor(string runtime, string versionPrefix)
    {
        var cli = fixture.Clients;
        var name = $"cli-{runtime.Replace(".", "", StringComparison.Ordinal)}-{Guid.NewGuid():N}"[..24];
        var zipPath = WriteZip("index.mjs", "export const handler = async (event) => ({ echo: event, version: process.version });\n");
        var outPath = Path.GetTempFileName();
        try
        {
            var created = await cli.CliJsonAsync(
                "lambda", "create-function", "--function-name", name, "--runtime", runtime, "--handler", "index.handler",
                "--role", Role, "--zip-file", $"fileb://{zipPath}");
            Assert.Equal(runtime, (string?)created["Runtime"]);
            var waited = await cli.CliAsync("lambda", "wait", "function-active-v2", "--function-name", name);
            Assert.True(waited.ExitCode == 0, waited.ToString());

            var invoked = await cli.CliJsonAsync(
                "lambda", "invoke", "--function-name", name, "--cli-binary-format", "raw-in-base64-out", "--payload", """{"x":1}""", outPath);
            Assert.Null(invoked["FunctionError"]);
            var result = System.Text.Json.Nodes.JsonNode.Parse(await File.ReadAllTextAsync(outPath, TestContext.Current.CancellationToken))!;
            Assert.Equal(1, (int?)result["echo"]!["x"]);
            Assert.StartsWith(versionPrefix, (string?)result["version"], StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(zipPath);
            File.Delete(outPath);
            await cli.CliAsync("lambda", "delete-function", "--function-name", name);
        }
    }

    [Fact]
    public async Task RuntimeManagementConfig_WithTheCli_RoundTrips()
    {
        var cli = fixture.Clients;
        var name = $"cli-rtm-{Guid.NewGuid():N}"[..20];
        var zipPath = ZipBuilder.WriteTemp(ZipBuilder.PythonEcho());
        try
        {
            await cli.CliJsonAsync(
                "lambda", "create-function", "--function-name", name, "--runtime", "python3.12", "--handler", "app.handler",
                "--role", Role, "--zip-file", $"fileb://{zipPath}");
            var configuration = await cli.CliJsonAsync("lambda", "get-function-configuration", "--function-name", name);
            var arn = (string)configuration["RuntimeVersionConfig"]!["RuntimeVersionArn"]!;
            Assert.StartsWith("arn:aws:lambda:us-east-1::runtime:", arn, StringComparison.Ordinal);

            var initial = await cli.CliJsonAsync("lambda", "get-runtime-management-config", "--function-name", name);
            Assert.Equal("Auto", (string?)initial["UpdateRuntimeOn"]);

            var put = await cli.CliJsonAsync(
                "lambda", "put-runtime-management-config", "--function-name", name, "--update-runtime-on", "Manual", "--runtime-version-arn", arn);
            Assert.Equal("Manual", (string?)put["UpdateRuntimeOn"]);
            Assert.Equal(arn, (string?)put["RuntimeVersionArn"]);
            var got = await cli.CliJsonAsync("lambda", "get-runtime-management-config", "--function-name", name);
            Assert.Equal("Manual", (string?)got["UpdateRuntimeOn"]);
            Assert.Equal(arn, (string?)got["RuntimeVersionArn"]);
            // The CLI's model (awscli 2.9) predates GetRuntimeManagementConfig's FunctionArn; boto3's case checks it (Scripts/jvm.py).

            var refused = await cli.CliAsync("lambda", "put-runtime-management-config", "--function-name", name, "--update-runtime-on", "Sometimes");
            Assert.NotEqual(0, refused.ExitCode);
            Assert.Contains(
                "An error occurred (ValidationException) when calling the PutRuntimeManagementConfig operation: 1 validation error detected: Value 'Sometimes' at 'updateRuntimeOn' failed to satisfy constraint: Member must satisfy enum value set: [Auto, Manual, FunctionUpdate]",
                refused.StandardError,
                StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(zipPath);
            await cli.CliAsync("lambda", "delete-function", "--function-name", name);
        }
    }

    private static string WriteZip(string entryName, string content)
    {
        var path = Path.Combine(Path.GetTempPath(), $"nimbus-{Guid.NewGuid():N}.zip");
        using (var archive = ZipFile.Open(path, ZipArchiveMode.Create))
        {
            var entry = archive.CreateEntry(entryName);
            entry.ExternalAttributes = Convert.ToInt32("100644", 8) << 16;
            using var writer = new StreamWriter(entry.Open());
            writer.Write(content);
        }

        return path;
    }
}
