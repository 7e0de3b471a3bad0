// SPDX-License-Identifier: Apache-2.0
using System.Security.Cryptography;
using Nimbus.TestKit;

namespace Nimbus.EndToEnd.Tests;

/// <summary>The README's first five minutes, with the AWS CLI v2 (Debian's awscli).</summary>
public sealed class AwsCliLambdaApiTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    private const string Role = "arn:aws:iam::000000000000:role/lambda-role";

    [Fact]
    public async Task CreateGetListUpdateDelete_WithTheCli_Works()
    {
        var cli = fixture.Clients;
        var name = $"cli-{Guid.NewGuid():N}"[..20];
        var zip = ZipBuilder.PythonEcho();
        var zipPath = ZipBuilder.WriteTemp(zip);
        try
        {
            var created = await cli.CliJsonAsync(
                "lambda", "create-function", "--function-name", name, "--runtime", "python3.12", "--handler", "app.handler",
                "--role", Role, "--zip-file", $"fileb://{zipPath}", "--environment", "Variables={STAGE=dev}", "--tags", "team=nimbus");
            Assert.Equal(name, (string?)created["FunctionName"]);
            Assert.Equal("Pending", (string?)created["State"]);
            Assert.Equal(Convert.ToBase64String(SHA256.HashData(zip)), (string?)created["CodeSha256"]);

            await cli.CliJsonAsync("lambda", "wait", "function-active-v2", "--function-name", name);
            var got = await cli.CliJsonAsync("lambda", "get-function", "--function-name", name);
            Assert.Equal("Active", (string?)got["Configuration"]!["State"]);
            Assert.Equal("dev", (string?)got["Configuration"]!["Environment"]!["Variables"]!["STAGE"]);
            Assert.Equal("nimbus", (string?)got["Tags"]!["team"]);

            var listed = await cli.CliJsonAsync("lambda", "list-functions");
            Assert.Contains(listed["Functions"]!.AsArray(), f => (string?)f!["FunctionName"] == name);

            var updated = await cli.CliJsonAsync("lambda", "update-function-configuration", "--function-name", name, "--memory-size", "512", "--timeout", "10");
            Assert.Equal("InProgress", (string?)updated["LastUpdateStatus"]);
            await cli.CliJsonAsync("lambda", "wait", "function-updated-v2", "--function-name", name);
            var config = await cli.CliJsonAsync("lambda", "get-function-configuration", "--function-name", name);
            Assert.Equal(512, (int?)config["MemorySize"]);
            Assert.Equal(10, (int?)config["Timeout"]);
            Assert.Equal("Successful", (string?)config["LastUpdateStatus"]);

            // No code signing configurations in Nimbus: every function's is none, an empty ARN as AWS answers it.
            var signing = await cli.CliJsonAsync("lambda", "get-function-code-signing-config", "--function-name", name);
            Assert.Equal("", (string?)signing["CodeSigningConfigArn"]);
            Assert.Equal(name, (string?)signing["FunctionName"]);
            const string csc = "arn:aws:lambda:us-east-1:000000000000:code-signing-config:csc-0123456789abcdef0";
            var signed = await cli.CliAsync(
                "lambda", "create-function", "--function-name", name + "-s", "--runtime", "python3.12", "--handler", "app.handler",
                "--role", Role, "--zip-file", $"fileb://{zipPath}", "--code-signing-config-arn", csc);
            Assert.Contains($"(CodeSigningConfigNotFoundException) when calling the CreateFunction operation: Code signing configuration not found: {csc}", signed.StandardError, StringComparison.Ordinal);
            Assert.NotEqual(0, (await cli.CliAsync("lambda", "get-function", "--function-name", name + "-s")).ExitCode);

            var settings = await cli.CliJsonAsync("lambda", "get-account-settings");
            Assert.True((long?)settings["AccountUsage"]!["FunctionCount"] >= 1);

            var deleted = await cli.CliAsync("lambda", "delete-function", "--function-name", name);
            Assert.True(deleted.ExitCode == 0, deleted.ToString());
            var missing = await cli.CliAsync("lambda", "get-function", "--function-name", name);
            Assert.NotEqual(0, missing.ExitCode);
            Assert.Contains(
                $"An error occurred (ResourceNotFoundException) when calling the GetFunction operation: Function not found: arn:aws:lambda:us-east-1:000000000000:function:{name}",
                missing.StandardError,
                StringComparison.Ordinal);
            var missingSigning = await cli.CliAsync("lambda", "get-function-code-signing-config", "--function-name", name);
            Assert.Contains(
                $"An error occurred (ResourceNotFoundException) when calling the GetFunctionCodeSigningConfig operation: Function not found: arn:aws:lambda:us-east-1:000000000000:function:{name}",
                missingSigning.StandardError,
                StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(zipPath);
        }
    }

    [Fact]
    public async Task CreateFunction_BadInput_CliShowsAwsError()
    {
        var zipPath = ZipBuilder.WriteTemp(ZipBuilder.PythonEcho());
        try
        {
            var result = await fixture.Clients.CliAsync(
                "lambda", "create-function", "--function-name", "cli-bad-memory", "--runtime", "python3.12", "--handler", "app.handler",
                "--role", Role, "--zip-file", $"fileb://{zipPath}", "--memory-size", "20000");

            Assert.NotEqual(0, result.ExitCode);
            Assert.Contains(
                "An error occurred (ValidationException) when calling the CreateFunction operation: 1 validation error detected: Value '20000' at 'memorySize' failed to satisfy constraint: Member must have value less than or equal to 10240",
                result.StandardError,
                StringComparison.Ordinal);
            var missing = await fixture.Clients.CliAsync("lambda", "get-function", "--function-name", "cli-bad-memory");
            Assert.Contains("ResourceNotFoundException", missing.StandardError, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(zipPath);
        }
    }

    [Fact]
    public async Task CreateFunction_DeprecatedRuntime_CliShowsAwsError()
    {
        var zipPath = ZipBuilder.WriteTemp(ZipBuilder.PythonEcho());
        try
        {
            var result = await fixture.Clients.CliAsync(
                "lambda", "create-function", "--function-name", "cli-old-runtime", "--runtime", "python2.7", "--handler", "app.handler",
                "--role", Role, "--zip-file", $"fileb://{zipPath}");

            Assert.NotEqual(0, result.ExitCode);
            Assert.Contains(
                "An error occurred (InvalidParameterValueException) when calling the CreateFunction operation: The runtime parameter of python2.7 is no longer supported for creating or updating AWS Lambda functions.",
                result.StandardError,
                StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(zipPath);
        }
    }
}
