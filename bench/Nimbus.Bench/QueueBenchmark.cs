// SPDX-License-Identifier: Apache-2.0
using System.Diagnostics;
using System.Text;
using System.Text.Json;

namespace Nimbus.Bench;

/// <summary>
/// queues: messages through the built-in SQS queue over HTTP (JSON protocol, as boto3 speaks it): producers send
/// batches of 10 (SendMessageBatch), consumers receive 10 at a time (ReceiveMessage, long polling) and delete what
/// they got (DeleteMessageBatch), all at once. The figure is messages fully handled (sent, received and deleted) per
/// second. Target: ≥ 5,000 messages/s on 2 cores.
/// </summary>
internal static class QueueBenchmark
{
    private const int Messages = 60_000;
    private const int Producers = 8;
    private const int Consumers = 8;
    private const double Target = 5000;

    public static async Task RunAsync(BenchSession session, CancellationToken cancellationToken)
    {
        Report.Heading($"queues: {Messages} messages, {Producers} producers (SendMessageBatch of 10), {Consumers} consumers (ReceiveMessage 10 + DeleteMessageBatch)");
        Report.Line("includes: HTTP, JSON, SQLite commits (WAL, synchronous=FULL for sends and deletes), long-poll wake-ups");
        await using var nimbus = await NimbusProcess.StartAsync(session.Location, cancellationToken);
        using var http = HttpClients.CreateSigned(nimbus.BaseAddress);
        var (rate, errors) = await MeasureAsync(http, "bench", Messages, cancellationToken);
        session.Report.Add(new Verdict(
            "queue send+receive+delete",
            $"{Report.Number(rate)} msg/s",
            "-",
            Report.Times(rate / Target),
            $"≥ {Report.Number(Target)} msg/s",
            rate >= Target && errors == 0));
    }

    /// <summary>Sends <paramref name="count"/> messages through a new queue and receives and deletes them all; messages/s.</summary>
    public static async Task<(double Rate, int Errors)> MeasureAsync(HttpClient http, string queueName, int count, CancellationToken cancellationToken)
    {
        var created = await CallAsync(http, "CreateQueue", $$"""{"QueueName":"{{queueName}}"}""", cancellationToken);
        var url = created.RootElement.GetProperty("QueueUrl").GetString()!; // CreateQueue always answers QueueUrl
        var body = new string('x', 200);

        var deleted = 0;
        var clock = Stopwatch.StartNew();
        var sending = SendAsync(http, url, count, Producers, body, cancellationToken);

        var consumers = new Task[Consumers];
        for (var c = 0; c < Consumers; c++)
        {
            consumers[c] = Task.Run(
                async () =>
                {
                    var request = new StringBuilder();
                    while (Volatile.Read(ref deleted) < count)
                    {
                        using var received = await CallAsync(
                            http, "ReceiveMessage", $$"""{"QueueUrl":"{{url}}","MaxNumberOfMessages":10,"WaitTimeSeconds":1}""", cancellationToken);
                        if (!received.RootElement.TryGetProperty("Messages", out var messages) || messages.GetArrayLength() == 0)
                        {
                            continue;
                        }

                        request.Clear().Append("{\"QueueUrl\":\"").Append(url).Append("\",\"Entries\":[");
                        var i = 0;
                        foreach (var message in messages.EnumerateArray())
                        {
                            request.Append(i == 0 ? "" : ",").Append("{\"Id\":\"d").Append(i++).Append("\",\"ReceiptHandle\":\"")
                                .Append(message.GetProperty("ReceiptHandle").GetString()).Append("\"}");
                        }

                        request.Append("]}");
                        using var response = await CallAsync(http, "DeleteMessageBatch", request.ToString(), cancellationToken);
                        Interlocked.Add(ref deleted, i);
                    }
                },
                cancellationToken);
        }

        var errors = await sending;
        var sendSeconds = clock.Elapsed.TotalSeconds;
        await Task.WhenAll(consumers);
        var seconds = clock.Elapsed.TotalSeconds;
        var rate = count / seconds;
        Report.Line($"sent {count} in {Report.Number(sendSeconds, "0.00")} s ({Report.Number(count / sendSeconds)} msg/s while receiving); all deleted after {Report.Number(seconds, "0.00")} s");
        Report.Line($"send+receive+delete: {Report.Number(rate)} messages/s  errors {errors}");
        return (rate, errors);
    }

    /// <summary>
    /// <paramref name="count"/> messages (a multiple of 10) by SendMessageBatch of 10, from <paramref name="producers"/>
    /// loops at once; <paramref name="body"/> is the JSON-escaped text of every message. Returns how many batches
    /// reported a failed entry.
    /// </summary>
    public static async Task<int> SendAsync(HttpClient http, string url, int count, int producers, string body, CancellationToken cancellationToken)
    {
        var sent = 0;
        var errors = 0;
        var loops = new Task[producers];
        for (var p = 0; p < producers; p++)
        {
            loops[p] = Task.Run(
                async () =>
                {
                    var request = new StringBuilder();
                    while (Interlocked.Add(ref sent, 10) <= count)
                    {
                        request.Clear().Append("{\"QueueUrl\":\"").Append(url).Append("\",\"Entries\":[");
                        for (var i = 0; i < 10; i++)
                        {
                            request.Append(i == 0 ? "" : ",").Append("{\"Id\":\"m").Append(i).Append("\",\"MessageBody\":\"").Append(body).Append("\"}");
                        }

                        request.Append("]}");
                        using var response = await CallAsync(http, "SendMessageBatch", request.ToString(), cancellationToken);
                        if (response.RootElement.TryGetProperty("Failed", out var failed) && failed.GetArrayLength() > 0)
                        {
                            Interlocked.Increment(ref errors);
                        }
                    }
                },
                cancellationToken);
        }

        await Task.WhenAll(loops);
        return errors;
    }

    public static async Task<JsonDocument> CallAsync(HttpClient http, string action, string json, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/");
        request.Headers.Add("X-Amz-Target", "AmazonSQS." + action);
        request.Content = new StringContent(json, Encoding.UTF8);
        request.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/x-amz-json-1.0");
        using var response = await http.SendAsync(request, cancellationToken);
        var text = await response.Content.ReadAsStreamAsync(cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"{action} failed: {(int)response.StatusCode} {await new StreamReader(text).ReadToEndAsync(cancellationToken)}");
        }

        return await JsonDocument.ParseAsync(text, default, cancellationToken);
    }
}
