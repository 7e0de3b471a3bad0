// SPDX-License-Identifier: Apache-2.0
using System.Net;
using System.Text.Json.Nodes;
using Nimbus.TestKit;

namespace Nimbus.EndToEnd.Tests;

/// <summary>
/// The queues with Debian's AWS CLI v2, whose bundled botocore speaks SQS's query protocol (form-encoded
/// <c>Action=</c>, XML answers), as docs/queues.md shows.
/// </summary>
public sealed class AwsCliQueueTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    [Fact]
    public async Task EveryOperation_WithTheCli_Works()
    {
        var cli = fixture.Clients;
        var name = $"cli-{Guid.NewGuid():N}"[..20];
        // 600 s: the messages received first must stay hidden until the batch delete, several AWS CLI runs later (each
        // takes seconds on a loaded machine); one that came back would be received twice below.
        var created = await cli.CliJsonAsync("sqs", "create-queue", "--queue-name", name, "--attributes", "VisibilityTimeout=600", "--tags", "team=nimbus");
        var url = (string)created["QueueUrl"]!;
        Assert.Equal($"{fixture.Server.Endpoint.ToString().TrimEnd('/')}/000000000000/{name}", url);
        Assert.Equal(url, (string?)(await cli.CliJsonAsync("sqs", "get-queue-url", "--queue-name", name))["QueueUrl"]);
        Assert.Contains(url, Urls(await cli.CliJsonAsync("sqs", "list-queues", "--queue-name-prefix", name)));

        // MD5s as SQS computes them (the String one is a published AWS value: MyAttribute=foobar).
        var sent = await cli.CliJsonAsync(
            "sqs", "send-message", "--queue-url", url, "--message-body", "message-1",
            "--message-attributes", """{"MyAttribute":{"DataType":"String","StringValue":"foobar"}}""");
        Assert.Equal("3d6b824fd8c1520e9a047d21fee6fb1f", (string?)sent["MD5OfMessageBody"]);
        Assert.Equal("adb59cd4678ea5a855436b949cd07ab6", (string?)sent["MD5OfMessageAttributes"]);
        var batch = await cli.CliJsonAsync("sqs", "send-message-batch", "--queue-url", url, "--entries", "Id=a,MessageBody=second", "Id=b,MessageBody=third");
        Assert.Equal(2, batch["Successful"]!.AsArray().Count);

        var received = await cli.CliJsonAsync(
            "sqs", "receive-message", "--queue-url", url, "--max-number-of-messages", "10", "--attribute-names", "All",
            "--message-attribute-names", "All", "--wait-time-seconds", "1");
        var messages = received["Messages"]!.AsArray();
        var total = messages.Count;
        var first = messages.Single(m => (string?)m!["Body"] == "message-1")!;
        Assert.Equal("foobar", (string?)first["MessageAttributes"]!["MyAttribute"]!["StringValue"]);
        Assert.Equal("adb59cd4678ea5a855436b949cd07ab6", (string?)first["MD5OfMessageAttributes"]);
        Assert.Equal("1", (string?)first["Attributes"]!["ApproximateReceiveCount"]);
        await cli.CliJsonAsync("sqs", "change-message-visibility", "--queue-url", url, "--receipt-handle", (string)first["ReceiptHandle"]!, "--visibility-timeout", "0");
        await cli.CliJsonAsync("sqs", "delete-message", "--queue-url", url, "--receipt-handle", (string)first["ReceiptHandle"]!);
        while (total < 3)
        {
            var more = await cli.CliJsonAsync("sqs", "receive-message", "--queue-url", url, "--max-number-of-messages", "10", "--wait-time-seconds", "1");
            foreach (var message in more["Messages"]?.AsArray() ?? [])
            {
                messages.Add(message!.DeepClone());
                total++;
            }
        }

        var entries = messages.Where(m => (string?)m!["Body"] != "message-1")
            .Select((m, i) => $"Id=d{i},ReceiptHandle={(string)m!["ReceiptHandle"]!}").ToArray();
        var deleted = await cli.CliJsonAsync(["sqs", "delete-message-batch", "--queue-url", url, "--entries", .. entries]);
        Assert.Equal(2, deleted["Successful"]!.AsArray().Count);

        await cli.CliJsonAsync("sqs", "set-queue-attributes", "--queue-url", url, "--attributes", "DelaySeconds=2");
        var attributes = await cli.CliJsonAsync("sqs", "get-queue-attributes", "--queue-url", url, "--attribute-names", "All");
        Assert.Equal("2", (string?)attributes["Attributes"]!["DelaySeconds"]);
        Assert.Equal("0", (string?)attributes["Attributes"]!["ApproximateNumberOfMessages"]);
        Assert.Equal($"arn:aws:sqs:us-east-1:000000000000:{name}", (string?)attributes["Attributes"]!["QueueArn"]);

        await cli.CliJsonAsync("sqs", "tag-queue", "--queue-url", url, "--tags", "env=test");
        await cli.CliJsonAsync("sqs", "untag-queue", "--queue-url", url, "--tag-keys", "team");
        var tags = await cli.CliJsonAsync("sqs", "list-queue-tags", "--queue-url", url);
        Assert.Equal("test", (string?)tags["Tags"]!["env"]);
        Assert.Null(tags["Tags"]!["team"]);

        var dlq = await cli.CliJsonAsync("sqs", "create-queue", "--queue-name", name + "-dlq");
        var dlqArn = $"arn:aws:sqs:us-east-1:000000000000:{name}-dlq";
        await cli.CliJsonAsync("sqs", "set-queue-attributes", "--queue-url", url, "--attributes", $$"""{"RedrivePolicy":"{\"deadLetterTargetArn\":\"{{dlqArn}}\",\"maxReceiveCount\":\"3\"}"}""");
        var sources = await cli.CliJsonAsync("sqs", "list-dead-letter-source-queues", "--queue-url", (string)dlq["QueueUrl"]!);
        Assert.Equal([url], sources["queueUrls"]!.AsArray().Select(u => (string?)u));

        await cli.CliJsonAsync("sqs", "purge-queue", "--queue-url", url);
        await cli.CliJsonAsync("sqs", "delete-queue", "--queue-url", url);
        var missing = await cli.CliAsync("sqs", "get-queue-url", "--queue-name", name);
        Assert.Equal(254, missing.ExitCode);
        Assert.Contains("AWS.SimpleQueueService.NonExistentQueue", missing.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task FifoQueue_WithTheCli_KeepsGroupOrderAndDeduplicates()
    {
        var cli = fixture.Clients;
        var name = $"clififo-{Guid.NewGuid():N}"[..20] + ".fifo";
        var url = (string)(await cli.CliJsonAsync("sqs", "create-queue", "--queue-name", name, "--attributes", "FifoQueue=true,ContentBasedDeduplication=true"))["QueueUrl"]!;
        var one = await cli.CliJsonAsync("sqs", "send-message", "--queue-url", url, "--message-body", "one", "--message-group-id", "g");
        var again = await cli.CliJsonAsync("sqs", "send-message", "--queue-url", url, "--message-body", "one", "--message-group-id", "g");
        await cli.CliJsonAsync("sqs", "send-message", "--queue-url", url, "--message-body", "two", "--message-group-id", "g");
        Assert.Equal((string?)one["MessageId"], (string?)again["MessageId"]);
        Assert.Equal(20, ((string)one["SequenceNumber"]!).Length);

        var received = await cli.CliJsonAsync("sqs", "receive-message", "--queue-url", url, "--max-number-of-messages", "10", "--attribute-names", "All");
        Assert.Equal(["one", "two"], received["Messages"]!.AsArray().Select(m => (string?)m!["Body"]));
        Assert.Equal("g", (string?)received["Messages"]![0]!["Attributes"]!["MessageGroupId"]);

        var wrong = await cli.CliAsync("sqs", "send-message", "--queue-url", url, "--message-body", "x");
        Assert.Equal(254, wrong.ExitCode);
        Assert.Contains("MissingParameter", wrong.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task QueryProtocol_PostedToTheQueueUrl_Works()
    {
        var cli = fixture.Clients;
        var name = $"path-{Guid.NewGuid():N}"[..20];
        var url = (string)(await cli.CliJsonAsync("sqs", "create-queue", "--queue-name", name))["QueueUrl"]!;
        using var http = new HttpClient(new SigV4SigningHandler(new SocketsHttpHandler(), "sqs"));

        // Older SDKs post the query protocol to the queue URL itself, without a QueueUrl parameter.
        using var send = await http.PostAsync(
            new Uri(url),
            new FormUrlEncodedContent(new Dictionary<string, string> { ["Action"] = "SendMessage", ["Version"] = "2012-11-05", ["MessageBody"] = "by path" }),
            TestContext.Current.CancellationToken);
        var xml = await send.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.OK, send.StatusCode);
        Assert.Contains("<MD5OfMessageBody>", xml, StringComparison.Ordinal);

        using var missing = await http.PostAsync(
            new Uri(fixture.Server.Endpoint, "/000000000000/no-such-queue"),
            new FormUrlEncodedContent(new Dictionary<string, string> { ["Action"] = "ReceiveMessage" }),
            TestContext.Current.CancellationToken);
        var error = await missing.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.BadRequest, missing.StatusCode);
        Assert.Contains("<Code>AWS.SimpleQueueService.NonExistentQueue</Code>", error, StringComparison.Ordinal);

        var received = await cli.CliJsonAsync("sqs", "receive-message", "--queue-url", url, "--wait-time-seconds", "2");
        Assert.Equal("by path", (string?)received["Messages"]![0]!["Body"]);
    }

    private static IEnumerable<string?> Urls(JsonNode list) => list["QueueUrls"]?.AsArray().Select(u => (string?)u) ?? [];
}
