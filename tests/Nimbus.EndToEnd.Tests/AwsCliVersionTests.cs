// SPDX-License-Identifier: Apache-2.0
using System.Text.Json.Nodes;
using Nimbus.TestKit;

namespace Nimbus.EndToEnd.Tests;

/// <summary>Publishing a version and moving an alias with the AWS CLI v2, as docs/versions.md shows.</summary>
public sealed class AwsCliVersionTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    private const string Role = "arn:aws:iam::000000000000:role/lambda-role";

    [Fact]
    public async Task PublishAliasInvoke_WithTheCli_Works()
    {
        var cli = fixture.Clients;
        var name = $"cliv-{Guid.NewGuid():N}"[..20];
        var v1 = ZipBuilder.WriteTemp(ZipBuilder.PythonEcho("one"));
        var v2 = ZipBuilder.WriteTemp(ZipBuilder.PythonEcho("two"));
        var output = Path.Combine(Path.GetTempPath(), $"{name}.json");
        try
        {
            await cli.CliJsonAsync(
                "lambda", "create-function", "--function-name", name, "--runtime", "python3.12", "--handler", "app.handler",
                "--role", Role, "--zip-file", $"fileb://{v1}");
            await cli.CliJsonAsync("lambda", "wait", "function-active-v2", "--function-name", name);
            var published = await cli.CliJsonAsync("lambda", "publish-version", "--function-name", name, "--description", "first");
            Assert.Equal("1", (string?)published["Version"]);

            await cli.CliJsonAsync("lambda", "update-function-code", "--function-name", name, "--zip-file", $"fileb://{v2}", "--publish");
            await cli.CliJsonAsync("lambda", "wait", "published-version-active", "--function-name", name, "--qualifier", "2");
            var alias = await cli.CliJsonAsync(
                "lambda", "create-alias", "--function-name", name, "--name", "live", "--function-version", "1",
                "--routing-config", "AdditionalVersionWeights={2=0.0}");
            Assert.Equal($"arn:aws:lambda:us-east-1:000000000000:function:{name}:live", (string?)alias["AliasArn"]);

            var invoked = await cli.CliJsonAsync("lambda", "invoke", "--function-name", name, "--qualifier", "live", "--payload", "{}", "--cli-binary-format", "raw-in-base64-out", output);
            Assert.Equal("1", (string?)invoked["ExecutedVersion"]);
            Assert.Equal("one", (string?)JsonNode.Parse(await File.ReadAllTextAsync(output, TestContext.Current.CancellationToken))?["marker"]);

            await cli.CliJsonAsync("lambda", "update-alias", "--function-name", name, "--name", "live", "--function-version", "2", "--routing-config", "AdditionalVersionWeights={}");
            invoked = await cli.CliJsonAsync("lambda", "invoke", "--function-name", $"{name}:live", output);
            Assert.Equal("2", (string?)invoked["ExecutedVersion"]);

            var versions = await cli.CliJsonAsync("lambda", "list-versions-by-function", "--function-name", name);
            Assert.Equal(["$LATEST", "1", "2"], versions["Versions"]!.AsArray().Select(v => (string?)v!["Version"]));
            var aliases = await cli.CliJsonAsync("lambda", "list-aliases", "--function-name", name);
            Assert.Equal("2", (string?)aliases["Aliases"]![0]!["FunctionVersion"]);
        }
        finally
        {
            File.Delete(v1);
            File.Delete(v2);
            File.Delete(output);
        }
    }
}
