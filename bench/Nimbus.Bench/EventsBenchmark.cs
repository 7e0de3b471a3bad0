// SPDX-License-Identifier: Apache-2.0
using System.Diagnostics;
using System.Text.Json.Nodes;

namespace Nimbus.Bench;

/// <summary>
/// events: messages through SendMessageBatch → an event source mapping (BatchSize 10) → a no-op Python function →
/// delete, on this machine. Producers send as fast as they can; the figure is messages sent and fully handled
/// (invoked and deleted) per second, from the first send until the queue is empty. Reference, measured in the same
/// run on the same server: the queue API's own send+receive+delete rate. Target (issue #6): ≥ 5,000 messages/s.
/// </summary>
internal static class EventsBenchmark
{
    private const int Messages = 30_000;
    private const int WarmUp = 1_000;
    private const int Producers = 8;
    private const double Target = 5000;

    /// <summary>Every message is a small JSON document (escaped for the request body), as a function would get.</summary>
    private const string Body = "{\\\"n\\\":1}";

    public static async Task RunAsync(BenchSession session, CancellationToken cancellationToken)
    {
        Report.Heading($"events: {Messages} messages, SendMessageBatch ({Producers} producers) → mapping (BatchSize 10) → no-op {FunctionCode.Python} → delete");
        Report.Line("includes: HTTP sends, SQLite commits, the mapping's pollers (receive, invoke, delete in process), warm invokes");
        Report.Line("reference: the queue API's own send+receive+delete over HTTP, on the same server in this run");
        await using var nimbus = await NimbusProcess.StartAsync(session.Location, cancellationToken);
        using var http = HttpClients.CreateSigned(nimbus.BaseAddress);
        var lambda = new LambdaClient(http);

        var (reference, referenceErrors) = await QueueBenchmark.MeasureAsync(http, "reference", Messages, cancellationToken);

        await lambda.CreateNoOpAsync("events-noop", FunctionCode.Python, cancellationToken);
        using var created = await QueueBenchmark.CallAsync(http, "CreateQueue", """{"QueueName":"events"}""", cancellationToken);
        var url = created.RootElement.GetProperty("QueueUrl").GetString()!; // CreateQueue always answers QueueUrl
        await lambda.PostJsonAsync(
            "/2015-03-31/event-source-mappings",
            new JsonObject
            {
                ["EventSourceArn"] = "arn:aws:sqs:us-east-1:000000000000:events",
                ["FunctionName"] = "events-noop",
                ["BatchSize"] = 10,
            },
            202,
            cancellationToken);

        // Warm-up: environments started and pollers scaled before the clock starts.
        await QueueBenchmark.SendAsync(http, url, WarmUp, Producers, Body, cancellationToken);
        await DrainedAsync(http, url, cancellationToken);

        var clock = Stopwatch.StartNew();
        var errors = await QueueBenchmark.SendAsync(http, url, Messages, Producers, Body, cancellationToken);
        var sendSeconds = clock.Elapsed.TotalSeconds;
        await DrainedAsync(http, url, cancellationToken);
        var seconds = clock.Elapsed.TotalSeconds;
        var rate = Messages / seconds;
        Report.Line($"sent {Messages} in {Report.Number(sendSeconds, "0.00")} s; all handled and deleted after {Report.Number(seconds, "0.00")} s");
        Report.Line($"through the mapping: {Report.Number(rate)} messages/s ({Report.Number(rate / 10)} invokes/s)  vs queue API {Report.Number(reference)} messages/s  ratio {Report.Times(rate / reference)}");
        session.Report.Add(new Verdict(
            "SQS → mapping → function",
            $"{Report.Number(rate)} msg/s",
            $"queue API {Report.Number(reference)} msg/s",
            Report.Times(rate / reference),
            $"≥ {Report.Number(Target)} msg/s",
            rate >= Target && referenceErrors == 0 && errors == 0));
    }

    /// <summary>Waits until the queue holds no message, visible or in flight.</summary>
    private static async Task DrainedAsync(HttpClient http, string url, CancellationToken cancellationToken)
    {
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            using var attributes = await QueueBenchmark.CallAsync(
                http,
                "GetQueueAttributes",
                $$"""{"QueueUrl":"{{url}}","AttributeNames":["ApproximateNumberOfMessages","ApproximateNumberOfMessagesNotVisible","ApproximateNumberOfMessagesDelayed"]}""",
                cancellationToken);
            var values = attributes.RootElement.GetProperty("Attributes");
            var left = 0;
            foreach (var value in values.EnumerateObject())
            {
                left += int.Parse(value.Value.GetString() ?? "0", System.Globalization.CultureInfo.InvariantCulture);
            }

            if (left == 0)
            {
                return;
            }

            if (deadline.Elapsed > TimeSpan.FromMinutes(5))
            {
                throw new InvalidOperationException($"the queue still holds {left} messages after 5 minutes: {values}");
            }

            await Task.Delay(TimeSpan.FromMilliseconds(20), cancellationToken);
        }
    }
}
