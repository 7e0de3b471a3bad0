// SPDX-License-Identifier: Apache-2.0
using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace Nimbus.Bench;

/// <summary>
/// logs: CloudWatch Logs on one server over its API. PutLogEvents ingest of 1,000,000 events (batches of
/// <see cref="BatchEvents"/>, one stream per client), against the same bodies posted to the loopback echo server; then
/// FilterLogEvents for a term in 10 of those events, every page until no nextToken, against one page of a term every
/// event has (the reference). Targets (issue 13, Observability): ingest ≥ 50,000 events/s; the rare-term search &lt; 1 s.
/// </summary>
internal static class LogsBenchmark
{
    private const string Group = "/bench/logs";
    private const string Needle = "needle-7f3a9c";
    private const int TotalEvents = 1_000_000;
    private const int BatchEvents = 5000;
    private const int Clients = 4;
    private const int Needles = 10;
    private const int Searches = 3;
    private const double TargetEventsPerSecond = 50_000;
    private const double TargetSearchMs = 1000;
    private static readonly MediaTypeHeaderValue s_json11 = new("application/x-amz-json-1.1");

    public static async Task RunAsync(BenchSession session, CancellationToken cancellationToken)
    {
        Report.Heading($"logs: PutLogEvents ingest of {TotalEvents:N0} events ({BatchEvents} a batch, {Clients} clients), then FilterLogEvents for a term in {Needles} of them");
        Report.Line("ingest reference: the same request bodies posted to the loopback echo server, same clients");
        Report.Line("search reference: one FilterLogEvents page (limit 100) of a term every event has");
        await using var server = await NimbusProcess.StartAsync(session.Location, cancellationToken);
        await using var echo = await EchoServer.StartAsync(cancellationToken);
        using var http = HttpClients.CreateSigned(server.BaseAddress, "logs");
        using var echoHttp = HttpClients.Create(echo.BaseAddress);

        await CallAsync(http, "CreateLogGroup", new { logGroupName = Group }, cancellationToken);
        for (var client = 0; client < Clients; client++)
        {
            await CallAsync(http, "CreateLogStream", new { logGroupName = Group, logStreamName = $"stream-{client}" }, cancellationToken);
        }

        var batches = Batches();
        Report.Line($"{batches.Count} batches built, {Report.Mb(batches.Sum(b => b.Body.Length))} of request bodies");

        var echoSeconds = await IngestAsync(echoHttp, batches, echo: true, cancellationToken);
        var seconds = await IngestAsync(http, batches, echo: false, cancellationToken);
        var rate = TotalEvents / seconds;
        var echoRate = TotalEvents / echoSeconds;
        Report.Line($"ingest: {Report.Number(rate)} events/s ({seconds:0.00} s)  echo {Report.Number(echoRate)} events/s ({echoSeconds:0.00} s)  ratio to target {Report.Times(rate / TargetEventsPerSecond)}");
        session.Report.Add(new Verdict(
            "PutLogEvents ingest",
            $"{Report.Number(rate)} events/s",
            $"echo {Report.Number(echoRate)} events/s",
            Report.Times(rate / echoRate),
            $"≥ {Report.Number(TargetEventsPerSecond)} events/s ({Report.Times(rate / TargetEventsPerSecond)} of it)",
            rate >= TargetEventsPerSecond));

        var searches = new List<double>(Searches);
        var references = new List<double>(Searches);
        for (var i = 0; i < Searches; i++)
        {
            var (ms, found, pages) = await SearchAsync(http, Needle, limit: null, cancellationToken);
            var (referenceMs, _, _) = await SearchAsync(http, "event", limit: 100, cancellationToken);
            searches.Add(ms);
            references.Add(referenceMs);
            Report.Line($"search {i + 1}: {Report.Ms(ms)} for {found} events over {pages} pages  reference {Report.Ms(referenceMs)}");

            // The same needle as a space-delimited pattern's equality (its literal is tested by the store too).
            var (delimitedMs, delimitedFound, delimitedPages) = await SearchAsync(http, $"[..., last = {Needle}]", limit: null, cancellationToken);
            Report.Line($"search {i + 1}, pattern [..., last = {Needle}]: {Report.Ms(delimitedMs)} for {delimitedFound} events over {delimitedPages} pages");
            if (found != Needles)
            {
                Report.Line($"search {i + 1} found {found} events, not {Needles}");
            }
        }

        var search = Stats.Median(searches);
        var reference = Stats.Median(references);
        session.Report.Add(new Verdict(
            $"FilterLogEvents rare term over {TotalEvents:N0} events",
            Report.Ms(search),
            $"one page of a common term {Report.Ms(reference)}",
            Report.Times(search / reference),
            $"< {Report.Ms(TargetSearchMs)} ({Report.Times(search / TargetSearchMs)} of it)",
            search < TargetSearchMs));
    }

    /// <summary>Posts every batch, each client its own stream and a share of the batches in order; returns the seconds taken.</summary>
    private static async Task<double> IngestAsync(HttpClient http, IReadOnlyList<(int Client, byte[] Body)> batches, bool echo, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        await Task.WhenAll(Enumerable.Range(0, Clients).Select(client => Task.Run(
            async () =>
            {
                foreach (var (owner, body) in batches)
                {
                    if (owner == client)
                    {
                        using var response = await PostAsync(http, "PutLogEvents", body, echo, cancellationToken);
                        if (!response.IsSuccessStatusCode)
                        {
                            throw new InvalidOperationException($"PutLogEvents answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync(cancellationToken)}");
                        }
                    }
                }
            },
            cancellationToken)));
        return Stopwatch.GetElapsedTime(started).TotalSeconds;
    }

    /// <summary>FilterLogEvents over the whole group, page after page; returns the time, the events found and the pages.</summary>
    private static async Task<(double Milliseconds, int Found, int Pages)> SearchAsync(HttpClient http, string pattern, int? limit, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        string? token = null;
        var found = 0;
        var pages = 0;
        do
        {
            var input = new Dictionary<string, object> { ["logGroupName"] = Group, ["filterPattern"] = pattern };
            if (limit is { } l)
            {
                input["limit"] = l;
            }

            if (token is not null)
            {
                input["nextToken"] = token;
            }

            using var answer = await CallAsync(http, "FilterLogEvents", input, cancellationToken);
            pages++;
            found += answer.RootElement.GetProperty("events").GetArrayLength();
            token = limit is null && answer.RootElement.TryGetProperty("nextToken", out var next) ? next.GetString() : null;
        }
        while (token is not null);
        return (Stopwatch.GetElapsedTime(started).TotalMilliseconds, found, pages);
    }

    /// <summary>The batches, built before any clock starts: ~100-byte lines 1 ms apart, the needle in 10 of them.</summary>
    private static List<(int Client, byte[] Body)> Batches()
    {
        var random = new Random(42);
        var needles = new HashSet<int>();
        while (needles.Count < Needles)
        {
            needles.Add(random.Next(TotalEvents));
        }

        var start = DateTimeOffset.UtcNow.AddMinutes(-30).ToUnixTimeMilliseconds();
        var batches = new List<(int, byte[])>(TotalEvents / BatchEvents);
        for (var first = 0; first < TotalEvents; first += BatchEvents)
        {
            var client = batches.Count % Clients;
            var buffer = new System.Buffers.ArrayBufferWriter<byte>(BatchEvents * 140);
            using (var json = new Utf8JsonWriter(buffer))
            {
                json.WriteStartObject();
                json.WriteString("logGroupName", Group);
                json.WriteString("logStreamName", $"stream-{client}");
                json.WriteStartArray("logEvents");
                for (var i = first; i < first + BatchEvents; i++)
                {
                    json.WriteStartObject();
                    json.WriteNumber("timestamp", start + i);
                    json.WriteString(
                        "message",
                        $"2026-12-03T12:00:00.000Z\t{i:x8}-5b1e-4c7d-9a8f-0c2d3e4f5a6b\tINFO\tevent {i} order o{i % 9973} done in {i % 250} ms{(needles.Contains(i) ? " " + Needle : "")}");
                    json.WriteEndObject();
                }

                json.WriteEndArray();
                json.WriteEndObject();
            }

            batches.Add((client, buffer.WrittenSpan.ToArray()));
        }

        return batches;
    }

    private static async Task<JsonDocument> CallAsync(HttpClient http, string operation, object input, CancellationToken cancellationToken)
    {
        var body = JsonSerializer.SerializeToUtf8Bytes(input);
        using var response = await PostAsync(http, operation, body, echo: false, cancellationToken);
        var text = await response.Content.ReadAsByteArrayAsync(cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"{operation} answered {(int)response.StatusCode}: {Encoding.UTF8.GetString(text)}");
        }

        return JsonDocument.Parse(text.Length == 0 ? "{}"u8.ToArray() : text);
    }

    private static async Task<HttpResponseMessage> PostAsync(HttpClient http, string operation, byte[] body, bool echo, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, echo ? BenchSession.EchoPath : new Uri("/", UriKind.Relative))
        {
            Content = new ByteArrayContent(body) { Headers = { ContentType = s_json11 } },
        };
        request.Headers.TryAddWithoutValidation("X-Amz-Target", "Logs_20140328." + operation);
        var response = await http.SendAsync(request, cancellationToken);
        await response.Content.LoadIntoBufferAsync(cancellationToken);
        return response;
    }
}
