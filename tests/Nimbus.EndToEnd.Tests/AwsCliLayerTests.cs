// SPDX-License-Identifier: Apache-2.0
using System.Security.Cryptography;
using Nimbus.TestKit;

namespace Nimbus.EndToEnd.Tests;

/// <summary>docs/layers.md with the AWS CLI v2 (Debian's awscli): publish a layer, use it from a function.</summary>
public sealed class AwsCliLayerTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    private const string Role = "arn:aws:iam::000000000000:role/lambda-role";

    [Fact]
    public async Task PublishLayerVersion_WithTheCli_FunctionImportsIt()
    {
        var cli = fixture.Clients;
        var layerName = $"cli-layer-{Guid.NewGuid():N}"[..24];
        var function = $"cli-fn-{Guid.NewGuid():N}"[..20];
        var layerZip = ZipBuilder.Create(("python/greeting.py", "WORD = 'hello from the cli layer'\n"));
        var layerPath = ZipBuilder.WriteTemp(layerZip);
        var codePath = ZipBuilder.WriteTemp(ZipBuilder.Create(("app.py", "import greeting\n\ndef handler(event, context):\n    return greeting.WORD\n")));
        var output = Path.GetTempFileName();
        try
        {
            var published = await cli.CliJsonAsync(
                "lambda", "publish-layer-version", "--layer-name", layerName, "--description", "greetings",
                "--zip-file", $"fileb://{layerPath}", "--compatible-runtimes", "python3.11", "python3.12", "--compatible-architectures", "x86_64");
            Assert.Equal(1, (int?)published["Version"]);
            Assert.Equal($"arn:aws:lambda:us-east-1:000000000000:layer:{layerName}:1", (string?)published["LayerVersionArn"]);
            Assert.Equal(Convert.ToBase64String(SHA256.HashData(layerZip)), (string?)published["Content"]!["CodeSha256"]);
            var arn = (string)published["LayerVersionArn"]!;

            var listed = await cli.CliJsonAsync("lambda", "list-layer-versions", "--layer-name", layerName, "--compatible-runtime", "python3.12");
            Assert.Equal(arn, (string?)listed["LayerVersions"]![0]!["LayerVersionArn"]);

            await cli.CliJsonAsync(
                "lambda", "create-function", "--function-name", function, "--runtime", "python3.11", "--handler", "app.handler",
                "--role", Role, "--zip-file", $"fileb://{codePath}", "--layers", arn);
            await cli.CliJsonAsync("lambda", "wait", "function-active-v2", "--function-name", function);
            var config = await cli.CliJsonAsync("lambda", "get-function-configuration", "--function-name", function);
            Assert.Equal(arn, (string?)config["Layers"]![0]!["Arn"]);
            Assert.Equal(layerZip.Length, (int?)config["Layers"]![0]!["CodeSize"]);

            await cli.CliJsonAsync("lambda", "invoke", "--function-name", function, output);
            Assert.Equal("\"hello from the cli layer\"", await File.ReadAllTextAsync(output, TestContext.Current.CancellationToken));

            var missing = await cli.CliAsync("lambda", "get-layer-version", "--layer-name", layerName, "--version-number", "7");
            Assert.NotEqual(0, missing.ExitCode);
            Assert.Contains(
                "An error occurred (ResourceNotFoundException) when calling the GetLayerVersion operation: The resource you requested does not exist.",
                missing.StandardError,
                StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(layerPath);
            File.Delete(codePath);
            File.Delete(output);
        }
    }
}
