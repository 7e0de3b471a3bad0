// SPDX-License-Identifier: Apache-2.0
using System.Text.Json.Nodes;
using Nimbus.TestKit;

namespace Nimbus.EndToEnd.Tests;

/// <summary>Authorization as /usr/bin/aws (v2) meets it: a user allowed one function and one queue, refused others, in AWS's words.</summary>
public sealed class AwsCliAuthorizationTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    private const string Account = "000000000000";

    private AwsClients Clients => fixture.Clients;

    [Fact]
    public async Task Cli_UserAllowedOneFunctionAndQueue_OthersAreAccessDenied()
    {
        var suffix = Guid.NewGuid().ToString("N")[..8];
        var (allowed, other) = ($"cli-ok-{suffix}", $"cli-no-{suffix}");
        var zip = Path.Combine(fixture.Server.DataDir, $"cli-{suffix}.zip");
        await File.WriteAllBytesAsync(zip, ZipBuilder.PythonEcho(), TestContext.Current.CancellationToken);
        foreach (var name in (string[])[allowed, other])
        {
            await Clients.CliJsonAsync("lambda", "create-function", "--function-name", name, "--runtime", "python3.11", "--handler", "app.handler",
                "--role", $"arn:aws:iam::{Account}:role/lambda-role", "--zip-file", $"fileb://{zip}");
        }

        var queueUrl = (await Clients.CliJsonAsync("sqs", "create-queue", "--queue-name", $"cli-q-{suffix}"))["QueueUrl"]!.GetValue<string>();
        var otherQueueUrl = (await Clients.CliJsonAsync("sqs", "create-queue", "--queue-name", $"cli-other-{suffix}"))["QueueUrl"]!.GetValue<string>();
        var user = $"cli-user-{suffix}";
        var userArn = (await Clients.CliJsonAsync("iam", "create-user", "--user-name", user))["User"]!["Arn"]!.GetValue<string>();
        var policy = new JsonObject
        {
            ["Version"] = "2012-10-17",
            ["Statement"] = new JsonArray(
                new JsonObject { ["Effect"] = "Allow", ["Action"] = "lambda:GetFunction", ["Resource"] = $"arn:aws:lambda:us-east-1:{Account}:function:{allowed}" },
                new JsonObject { ["Effect"] = "Allow", ["Action"] = "sqs:SendMessage", ["Resource"] = $"arn:aws:sqs:us-east-1:{Account}:cli-q-{suffix}" }),
        };
        await Clients.CliAsync("iam", "put-user-policy", "--user-name", user, "--policy-name", "one", "--policy-document", policy.ToJsonString());
        var key = (await Clients.CliJsonAsync("iam", "create-access-key", "--user-name", user))["AccessKey"]!;

        var environment = new Dictionary<string, string>(Clients.Environment)
        {
            ["AWS_ACCESS_KEY_ID"] = key["AccessKeyId"]!.GetValue<string>(),
            ["AWS_SECRET_ACCESS_KEY"] = key["SecretAccessKey"]!.GetValue<string>(),
        };
        Task<ProcessResult> AsUser(params string[] arguments) =>
            ChildProcess.RunAsync(AwsClients.AwsCli, ["--endpoint-url", fixture.Server.Endpoint.ToString().TrimEnd('/'), "--output", "json", .. arguments], environment);

        var got = await AsUser("lambda", "get-function", "--function-name", allowed);
        Assert.True(got.ExitCode == 0, got.ToString());
        var refused = await AsUser("lambda", "get-function", "--function-name", other);
        Assert.NotEqual(0, refused.ExitCode);
        Assert.Contains(
            $"An error occurred (AccessDeniedException) when calling the GetFunction operation: User: {userArn} is not authorized to perform: lambda:GetFunction on resource: arn:aws:lambda:us-east-1:{Account}:function:{other} because no identity-based policy allows the lambda:GetFunction action",
            refused.StandardError,
            StringComparison.Ordinal);

        var sent = await AsUser("sqs", "send-message", "--queue-url", queueUrl, "--message-body", "hi");
        Assert.True(sent.ExitCode == 0, sent.ToString());
        var notSent = await AsUser("sqs", "send-message", "--queue-url", otherQueueUrl, "--message-body", "hi");
        Assert.NotEqual(0, notSent.ExitCode);
        Assert.Contains(
            $"(AccessDenied) when calling the SendMessage operation: User: {userArn} is not authorized to perform: sqs:sendmessage on resource: arn:aws:sqs:us-east-1:{Account}:cli-other-{suffix} because no identity-based policy allows the sqs:sendmessage action",
            notSent.StandardError,
            StringComparison.Ordinal);

        // The query protocol posted to the queue's URL (no QueueUrl parameter): the URL names the resource.
        using var http = new HttpClient(new SigV4SigningHandler(
            new SocketsHttpHandler(), "sqs", accessKeyId: environment["AWS_ACCESS_KEY_ID"], secretAccessKey: environment["AWS_SECRET_ACCESS_KEY"]));
        using var posted = await http.PostAsync(
            new Uri(otherQueueUrl),
            new FormUrlEncodedContent(new Dictionary<string, string> { ["Action"] = "SendMessage", ["Version"] = "2012-11-05", ["MessageBody"] = "by path" }),
            TestContext.Current.CancellationToken);
        var xml = await posted.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        Assert.Equal(System.Net.HttpStatusCode.Forbidden, posted.StatusCode);
        Assert.Contains("<Type>Sender</Type><Code>AccessDenied</Code>", xml, StringComparison.Ordinal);
        Assert.Contains($"on resource: arn:aws:sqs:us-east-1:{Account}:cli-other-{suffix} because", xml, StringComparison.Ordinal);
    }
}
