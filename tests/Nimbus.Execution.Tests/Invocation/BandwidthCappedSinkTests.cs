// SPDX-License-Identifier: Apache-2.0
using Microsoft.Extensions.Time.Testing;
using Nimbus.Execution.Invocation;

namespace Nimbus.Execution.Tests.Invocation;

/// <summary>AWS's pace for streamed responses: the burst passes at once, what follows at most the rate, nothing lost.</summary>
public sealed class BandwidthCappedSinkTests
{
    [Fact]
    public async Task WriteAsync_WithinTheBurst_PassesAtOnce()
    {
        var time = new FakeTimeProvider();
        var inner = new CountingSink();
        var sink = new BandwidthCappedSink(inner, burstBytes: 1000, bytesPerSecond: 100, time);

        await sink.StartAsync("text/plain");
        for (var i = 0; i < 10; i++)
        {
            Assert.True(sink.WriteAsync(new byte[100]).AsTask().IsCompletedSuccessfully);
        }

        Assert.Equal(1000, inner.Bytes);
        Assert.Equal("text/plain", inner.ContentType);
    }

    [Fact]
    public async Task WriteAsync_PastTheBurst_WaitsUntilItsBytesAreDueAtTheRate()
    {
        var time = new FakeTimeProvider();
        var inner = new CountingSink();
        var sink = new BandwidthCappedSink(inner, burstBytes: 1000, bytesPerSecond: 100, time);
        await sink.WriteAsync(new byte[1000]);

        var over = sink.WriteAsync(new byte[200]).AsTask(); // 200 bytes past the burst: due 2 s after it ran out
        time.Advance(TimeSpan.FromSeconds(1.9));
        Assert.False(over.IsCompleted);
        Assert.Equal(1000, inner.Bytes);
        time.Advance(TimeSpan.FromSeconds(0.1));
        await over;
        Assert.Equal(1200, inner.Bytes);

        var next = sink.WriteAsync(new byte[100]).AsTask(); // 300 past: due at 3 s
        Assert.False(next.IsCompleted);
        time.Advance(TimeSpan.FromSeconds(1));
        await next;
        Assert.Equal(1300, inner.Bytes);
    }

    [Fact]
    public async Task WriteAsync_ASlowReaderPastTheBurst_IsNotSlowedFurther()
    {
        var time = new FakeTimeProvider();
        var inner = new CountingSink();
        var sink = new BandwidthCappedSink(inner, burstBytes: 1000, bytesPerSecond: 100, time);
        await sink.WriteAsync(new byte[1000]);
        var first = sink.WriteAsync(new byte[100]).AsTask(); // the cap starts with the first byte past the burst
        time.Advance(TimeSpan.FromSeconds(1));
        await first;

        time.Advance(TimeSpan.FromSeconds(10)); // the function wrote nothing for 10 s: its next 1,000 bytes are due
        Assert.True(sink.WriteAsync(new byte[900]).AsTask().IsCompletedSuccessfully);
        Assert.Equal(2000, inner.Bytes);
    }

    private sealed class CountingSink : IResponseStreamSink
    {
        public long Bytes { get; private set; }

        public string? ContentType { get; private set; }

        public ValueTask StartAsync(string contentType)
        {
            ContentType = contentType;
            return ValueTask.CompletedTask;
        }

        public ValueTask WriteAsync(ReadOnlyMemory<byte> chunk)
        {
            Bytes += chunk.Length;
            return ValueTask.CompletedTask;
        }
    }
}
