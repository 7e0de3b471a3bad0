// SPDX-License-Identifier: Apache-2.0
using Nimbus.TestKit;
using System.Diagnostics;
using System.IO.Compression;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Nimbus.Bench.Fuzz;

/// <summary>
/// Sends a bounded number of fuzz requests to a Nimbus server on loopback, each on its own connection
/// (<c>Connection: close</c>), a few at a time, and tallies what came back.
/// </summary>
internal static class FuzzRunner
{
    public const string FunctionName = "fuzz-fn";
    public const string QueueName = "fuzz-q";
    private static readonly TimeSpan s_requestTimeout = TimeSpan.FromSeconds(60);

    public static async Task<FuzzResult> RunAsync(Uri endpoint, int seed, int requests, int concurrency, CancellationToken cancellationToken)
    {
        if (!IPAddress.TryParse(endpoint.Host, out var address) || !IPAddress.IsLoopback(address))
        {
            throw new ArgumentException($"The fuzz pass only talks to a loopback address, not {endpoint.Host}.", nameof(endpoint));
        }

        await CreateTargetsAsync(endpoint, cancellationToken);
        var generator = new FuzzRequestGenerator(endpoint.Authority, FunctionName, $"/000000000000/{QueueName}");
        var result = new FuzzResult();
        var next = -1;
        var clock = Stopwatch.StartNew();
        var workers = Enumerable.Range(0, concurrency).Select(_ => Task.Run(
            async () =>
            {
                for (var index = Interlocked.Increment(ref next); index < requests; index = Interlocked.Increment(ref next))
                {
                    var request = generator.Create(seed, index);
                    result.Add(index, request, await SendAsync(endpoint, request, cancellationToken));
                }
            },
            cancellationToken));
        await Task.WhenAll(workers);
        result.Elapsed = clock.Elapsed;
        return result;
    }

    /// <summary>One function and one queue, so that requests naming them reach past "not found".</summary>
    private static async Task CreateTargetsAsync(Uri endpoint, CancellationToken cancellationToken)
    {
        using var http = new HttpClient(new SigV4SigningHandler(new SocketsHttpHandler())) { BaseAddress = endpoint };
        using var zip = new MemoryStream();
        using (var archive = new ZipArchive(zip, ZipArchiveMode.Create, leaveOpen: true))
        {
            await using var handler = await archive.CreateEntry("index.py").OpenAsync(cancellationToken);
            await handler.WriteAsync("def handler(event, context):\n    return event\n"u8.ToArray(), cancellationToken);
        }

        var create = $$"""{"FunctionName":"{{FunctionName}}","Runtime":"python3.11","Role":"arn:aws:iam::000000000000:role/r","Handler":"index.handler","Code":{"ZipFile":"{{Convert.ToBase64String(zip.ToArray())}}"} }""";
        using (var created = await http.PostAsync(new Uri("/2015-03-31/functions", UriKind.Relative), new StringContent(create, Encoding.UTF8, "application/json"), cancellationToken))
        {
            if (!created.IsSuccessStatusCode)
            {
                throw new InvalidOperationException($"CreateFunction for the fuzz pass failed: {(int)created.StatusCode} {await created.Content.ReadAsStringAsync(cancellationToken)}");
            }
        }

        using var queue = new HttpRequestMessage(HttpMethod.Post, "/") { Content = new StringContent($$"""{"QueueName":"{{QueueName}}"}""", Encoding.UTF8, "application/x-amz-json-1.0") };
        queue.Headers.Add("X-Amz-Target", "AmazonSQS.CreateQueue");
        using var queued = await http.SendAsync(queue, cancellationToken);
        if (!queued.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"CreateQueue for the fuzz pass failed: {(int)queued.StatusCode} {await queued.Content.ReadAsStringAsync(cancellationToken)}");
        }
    }

    private static async Task<FuzzOutcome> SendAsync(Uri endpoint, FuzzRequest request, CancellationToken cancellationToken)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(s_requestTimeout);
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        var received = new MemoryStream();
        try
        {
            await socket.ConnectAsync(IPAddress.Parse(endpoint.Host), endpoint.Port, deadline.Token);
            try
            {
                await socket.SendAsync(request.Bytes, deadline.Token);
            }
            catch (SocketException)
            {
                // The server may answer and close before it has read a body it refuses; its answer is still there.
            }

            var buffer = new byte[16384];
            while (true)
            {
                var read = await socket.ReceiveAsync(buffer, deadline.Token);
                if (read == 0)
                {
                    break;
                }

                if (received.Length < 4096)
                {
                    await received.WriteAsync(buffer.AsMemory(0, read), deadline.Token);
                }
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return Outcome(received, "timed out");
        }
        catch (SocketException) when (received.Length > 0)
        {
            // A reset after a complete answer (the server closed with unread request bytes) is not a drop.
        }
        catch (SocketException ex)
        {
            return new FuzzOutcome(0, $"dropped ({ex.SocketErrorCode})", "");
        }

        return Outcome(received, null);
    }

    private static FuzzOutcome Outcome(MemoryStream received, string? failure)
    {
        var head = Encoding.UTF8.GetString(received.GetBuffer(), 0, (int)Math.Min(received.Length, 1500));
        var statusLine = head.Split("\r\n")[0];
        if (statusLine.StartsWith("HTTP/1.1 ", StringComparison.Ordinal) && statusLine.Length >= 12 && int.TryParse(statusLine.AsSpan(9, 3), out var status))
        {
            var body = head.IndexOf("\r\n\r\n", StringComparison.Ordinal) is var end and >= 0 ? head[(end + 4)..] : "";
            return new FuzzOutcome(status, null, $"{statusLine} {body.ReplaceLineEndings(" ")}");
        }

        return new FuzzOutcome(0, failure ?? "dropped (no response)", head.ReplaceLineEndings(" "));
    }
}
