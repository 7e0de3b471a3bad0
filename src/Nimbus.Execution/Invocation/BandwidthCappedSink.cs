// SPDX-License-Identifier: Apache-2.0
namespace Nimbus.Execution.Invocation;

/// <summary>
/// AWS's pace for streamed responses: the first <c>burstBytes</c> go as fast as the client reads them, the rest at
/// most <c>bytesPerSecond</c>, counted from the moment the burst ran out. A chunk waits (holding the function's
/// stream, as a slow client does) until its last byte is due; nothing is dropped.
/// </summary>
internal sealed class BandwidthCappedSink(IResponseStreamSink inner, long burstBytes, long bytesPerSecond, TimeProvider time) : IResponseStreamSink
{
    private long _written;
    private long _capStarted;

    public ValueTask StartAsync(string contentType) => inner.StartAsync(contentType);

    public async ValueTask WriteAsync(ReadOnlyMemory<byte> chunk)
    {
        var before = _written;
        _written += chunk.Length;
        if (_written > burstBytes)
        {
            if (before <= burstBytes)
            {
                _capStarted = time.GetTimestamp();
            }

            var due = TimeSpan.FromSeconds((double)(_written - burstBytes) / bytesPerSecond);
            var wait = due - time.GetElapsedTime(_capStarted);
            if (wait > TimeSpan.Zero)
            {
                await Task.Delay(wait, time);
            }
        }

        await inner.WriteAsync(chunk);
    }
}
