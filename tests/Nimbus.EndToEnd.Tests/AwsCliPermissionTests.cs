// SPDX-License-Identifier: Apache-2.0
using System.Text.Json.Nodes;
using Nimbus.TestKit;

namespace Nimbus.EndToEnd.Tests;

/// <summary>add-permission, get-policy and remove-permission with the AWS CLI v2, as docs/permissions.md shows them.</summary>
public sealed class AwsCliPermissionTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    private const string Role = "arn:aws:iam::000000000000:role/lambda-role";

    [Fact]
    public async Task AddGetRemove_WithTheCli_AnswersAwsShapes()
    {
        var cli = fixture.Clients;
        var function = $"cli-perm-{Guid.NewGuid():N}"[..22];
        var arn = $"arn:aws:lambda:us-east-1:000000000000:function:{function}";
        var codePath = ZipBuilder.WriteTemp(ZipBuilder.Create(("app.py", "def handler(event, context):\n    return 'hi'\n")));
        try
        {
            await cli.CliJsonAsync(
                "lambda", "create-function", "--function-name", function, "--runtime", "python3.11", "--handler", "app.handler",
                "--role", Role, "--zip-file", $"fileb://{codePath}");

            var added = await cli.CliJsonAsync(
                "lambda", "add-permission", "--function-name", function, "--statement-id", "sns", "--action", "lambda:InvokeFunction",
                "--principal", "sns.amazonaws.com", "--source-arn", "arn:aws:sns:us-east-1:000000000000:topic", "--source-account", "000000000000");
            var statement = JsonNode.Parse((string)added["Statement"]!)!;
            Assert.Equal(
                """{"Sid":"sns","Effect":"Allow","Principal":{"Service":"sns.amazonaws.com"},"Action":"lambda:InvokeFunction","Resource":"ARN","Condition":{"StringEquals":{"AWS:SourceAccount":"000000000000"},"ArnLike":{"AWS:SourceArn":"arn:aws:sns:us-east-1:000000000000:topic"}}}""".Replace("ARN", arn, StringComparison.Ordinal),
                statement.ToJsonString());

            var got = await cli.CliJsonAsync("lambda", "get-policy", "--function-name", function);
            var document = JsonNode.Parse((string)got["Policy"]!)!;
            Assert.Equal("2012-10-17", (string?)document["Version"]);
            Assert.Equal("default", (string?)document["Id"]);
            Assert.Equal(statement.ToJsonString(), document["Statement"]![0]!.ToJsonString());
            var configuration = await cli.CliJsonAsync("lambda", "get-function-configuration", "--function-name", function);
            Assert.Equal((string?)configuration["RevisionId"], (string?)got["RevisionId"]);

            var conflict = await cli.CliAsync(
                "lambda", "add-permission", "--function-name", function, "--statement-id", "sns", "--action", "lambda:InvokeFunction", "--principal", "*");
            Assert.Contains(
                "An error occurred (ResourceConflictException) when calling the AddPermission operation: The statement id (sns) provided already exists. Please provide a new statement id, or remove the existing statement.",
                conflict.StandardError,
                StringComparison.Ordinal);

            var removed = await cli.CliAsync("lambda", "remove-permission", "--function-name", function, "--statement-id", "sns", "--revision-id", (string)got["RevisionId"]!);
            Assert.True(removed.ExitCode == 0, removed.ToString());
            var none = await cli.CliAsync("lambda", "get-policy", "--function-name", function);
            Assert.Contains(
                "An error occurred (ResourceNotFoundException) when calling the GetPolicy operation: The resource you requested does not exist.",
                none.StandardError,
                StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(codePath);
        }
    }
}
