// SPDX-License-Identifier: Apache-2.0
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Nimbus.Init.Telemetry;

namespace Nimbus.Init.Tests.Telemetry;

/// <summary>
/// The Telemetry API's lines as a subscriber receives them: whole characters, records of bounded size, and the init
/// phase's events kept within bounds with what was dropped reported.
/// </summary>
public sealed class TelemetryHubTests
{
    [Fact]
    public async Task Output_CharacterSplitBetweenReads_IsDecodedWhole()
    {
        await using var listener = await Listener.StartAsync();
        using var hub = new TelemetryHub(TimeProvider.System);
        hub.Subscribe(listener.Subscription(TelemetryCategory.Function));
        var bytes = Encoding.UTF8.GetBytes("grüße 😀\r\nnext\n");

        for (var i = 0; i < bytes.Length; i++)
        {
            await hub.OutputAsync("stdout", bytes.AsMemory(i, 1), TestContext.Current.CancellationToken);
        }

        await hub.FlushAsync();
        Assert.Equal(["grüße 😀", "next"], listener.Lines("function"));
    }

    [Fact]
    public async Task Output_LineLongerThanARecord_IsCutIntoRecordsBetweenCharacters()
    {
        await using var listener = await Listener.StartAsync();
        using var hub = new TelemetryHub(TimeProvider.System);
        hub.Subscribe(listener.Subscription(TelemetryCategory.Function));
        var line = string.Concat(Enumerable.Repeat("€😀a", 50_000));
        var bytes = Encoding.UTF8.GetBytes(line + "\nafter\n");

        for (var i = 0; i < bytes.Length; i += 4093)
        {
            await hub.OutputAsync("stdout", bytes.AsMemory(i, Math.Min(4093, bytes.Length - i)), TestContext.Current.CancellationToken);
        }

        await hub.FlushAsync();
        var lines = listener.Lines("function");
        Assert.Equal("after", lines[^1]);
        Assert.True(lines.Count > 2);
        Assert.All(lines, l => Assert.InRange(Encoding.UTF8.GetByteCount(l), 1, TelemetryHub.MaxLineBytes));
        Assert.DoesNotContain(lines, l => l.Contains('\uFFFD', StringComparison.Ordinal));
        Assert.Equal(line, string.Concat(lines[..^1]));
    }

    [Fact]
    public async Task Output_LimitInACharacterThatContinuesInTheNextRead_CutsBeforeIt()
    {
        await using var listener = await Listener.StartAsync();
        using var hub = new TelemetryHub(TimeProvider.System);
        hub.Subscribe(listener.Subscription(TelemetryCategory.Function));
        var first = Encoding.UTF8.GetBytes(new string('x', TelemetryHub.MaxLineBytes - 1) + "€")[..TelemetryHub.MaxLineBytes];

        await hub.OutputAsync("stdout", first, TestContext.Current.CancellationToken);
        await hub.OutputAsync("stdout", new byte[] { 0x82, 0xAC, (byte)'\n' }, TestContext.Current.CancellationToken);

        await hub.FlushAsync();
        Assert.Equal([new string('x', TelemetryHub.MaxLineBytes - 1), "€"], listener.Lines("function"));
    }

    [Fact]
    public async Task Subscribe_AfterInitOutputOverTheBacklogsBytes_GetsWhatFitsAndTheDroppedCount()
    {
        await using var listener = await Listener.StartAsync();
        using var hub = new TelemetryHub(TimeProvider.System);
        var line = new string('y', 1000);
        var output = Encoding.UTF8.GetBytes(string.Concat(Enumerable.Repeat(line + "\n", 5000)));

        await hub.OutputAsync("stdout", output, TestContext.Current.CancellationToken);
        await hub.FlushAsync();
        hub.Subscribe(listener.Subscription(TelemetryCategory.Function | TelemetryCategory.Platform));
        await hub.FlushAsync();

        var lines = listener.Lines("function");
        Assert.InRange(lines.Count, 3000, 4999);
        Assert.All(lines, l => Assert.Equal(line, l));
        var dropped = Assert.Single(listener.Records("platform.logsDropped"));
        Assert.Equal(5000 - lines.Count, dropped.GetProperty("record").GetProperty("droppedRecords").GetInt64());
    }

    [Fact]
    public async Task Subscribe_AfterMoreInitOutputThanIsKept_GetsTheKeptLinesAndTheDroppedCount()
    {
        await using var listener = await Listener.StartAsync();
        using var hub = new TelemetryHub(TimeProvider.System);
        var output = new StringBuilder();
        for (var i = 0; i < 12_000; i++)
        {
            output.Append("init line ").Append(i).Append('\n');
        }

        await hub.OutputAsync("stdout", Encoding.UTF8.GetBytes(output.ToString()), TestContext.Current.CancellationToken);
        await hub.FlushAsync();

        hub.Subscribe(listener.Subscription(TelemetryCategory.Function | TelemetryCategory.Platform));
        await hub.FlushAsync();

        var lines = listener.Lines("function");
        Assert.Equal(Enumerable.Range(0, 10_000).Select(i => $"init line {i}"), lines);
        var dropped = Assert.Single(listener.Records("platform.logsDropped"));
        Assert.Equal(2_000, dropped.GetProperty("record").GetProperty("droppedRecords").GetInt64());
    }

    /// <summary>A subscriber's HTTP listener on loopback: keeps every record of every batch posted to it.</summary>
    private sealed class Listener : IAsyncDisposable
    {
        private readonly TcpListener _listener;
        private readonly Task _serving;
        private readonly CancellationTokenSource _stop = new();
        private readonly List<JsonElement> _records = [];

        private Listener(TcpListener listener)
        {
            _listener = listener;
            _serving = ServeAsync(_stop.Token);
        }

        public static Task<Listener> StartAsync()
        {
            var listener = new TcpListener(IPAddress.Loopback, 0);
            listener.Start();
            return Task.FromResult(new Listener(listener));
        }

        public TelemetrySubscription Subscription(TelemetryCategory categories) =>
            new("agent", categories, new Uri($"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}/"), 10_000, 1_048_576, 25, TimeProvider.System);

        public List<JsonElement> Records(string type)
        {
            lock (_records)
            {
                return _records.Where(r => r.GetProperty("type").GetString() == type).ToList();
            }
        }

        public List<string> Lines(string type) => Records(type).Select(r => r.GetProperty("record").GetString()!).ToList();

        public async ValueTask DisposeAsync()
        {
            await _stop.CancelAsync();
            _listener.Stop();
            try
            {
                await _serving;
            }
            catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
            {
            }

            _stop.Dispose();
        }

        private async Task ServeAsync(CancellationToken cancellationToken)
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                using var client = await _listener.AcceptTcpClientAsync(cancellationToken);
                var stream = client.GetStream();
                var received = new MemoryStream();
                var buffer = new byte[64 * 1024];
                int headEnd;
                while ((headEnd = IndexOfHeadEnd(received)) < 0)
                {
                    await ReceiveAsync(stream, received, buffer, cancellationToken);
                }

                var head = Encoding.ASCII.GetString(received.GetBuffer(), 0, headEnd);
                var length = int.Parse(head.Split("\r\n").First(h => h.StartsWith("Content-Length:", StringComparison.OrdinalIgnoreCase))[15..].Trim());
                while (received.Length < headEnd + 4 + length)
                {
                    await ReceiveAsync(stream, received, buffer, cancellationToken);
                }

                using var batch = JsonDocument.Parse(received.GetBuffer().AsMemory(headEnd + 4, length));
                lock (_records)
                {
                    foreach (var record in batch.RootElement.EnumerateArray())
                    {
                        _records.Add(record.Clone());
                    }
                }

                await stream.WriteAsync("HTTP/1.1 200 OK\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"u8.ToArray(), cancellationToken);
            }
        }

        private static async Task ReceiveAsync(NetworkStream stream, MemoryStream received, byte[] buffer, CancellationToken cancellationToken)
        {
            var read = await stream.ReadAsync(buffer, cancellationToken);
            if (read == 0)
            {
                throw new IOException("the poster closed the connection before its request was complete");
            }

            await received.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
        }

        private static int IndexOfHeadEnd(MemoryStream received) =>
            received.GetBuffer().AsSpan(0, (int)received.Length).IndexOf("\r\n\r\n"u8);
    }
}
