// SPDX-License-Identifier: Apache-2.0
using System.Diagnostics;

namespace Nimbus.Bench;

/// <summary>The two load shapes: one client in sequence (latency), N clients for a fixed time (throughput).</summary>
internal static class LoadRunner
{
    /// <summary><paramref name="warmUp"/> unmeasured requests, then <paramref name="count"/> timed one after another.</summary>
    public static async Task<LatencySample> SequentialAsync(PostTarget target, int warmUp, int count, CancellationToken cancellationToken, TimeSpan warmUpTime = default)
    {
        var started = Stopwatch.GetTimestamp();
        for (var i = 0; i < warmUp || Stopwatch.GetElapsedTime(started) < warmUpTime; i++)
        {
            await target.SendAsync(cancellationToken);
        }

        var recorder = new LatencyRecorder(count);
        for (var i = 0; i < count; i++)
        {
            var start = Stopwatch.GetTimestamp();
            var ok = await target.SendAsync(cancellationToken);
            recorder.Add(ok, start, Stopwatch.GetTimestamp());
        }

        return recorder.ToSample();
    }

    /// <summary>
    /// <paramref name="count"/> pairs of requests in sequence, <paramref name="first"/> then <paramref name="second"/>,
    /// so that drift on a shared machine (other load, frequency changes) falls on both samples alike.
    /// </summary>
    public static async Task<(LatencySample First, LatencySample Second)> InterleavedAsync(PostTarget first, PostTarget second, int count, CancellationToken cancellationToken)
    {
        var a = new List<double>(count);
        var b = new List<double>(count);
        var errors = (First: 0, Second: 0);
        for (var i = 0; i < count; i++)
        {
            // Alternate which goes first too, so neither always follows the other's response.
            var (x, y, xs, ys) = i % 2 == 0 ? (first, second, a, b) : (second, first, b, a);
            var start = Stopwatch.GetTimestamp();
            var okX = await x.SendAsync(cancellationToken);
            var middle = Stopwatch.GetTimestamp();
            var okY = await y.SendAsync(cancellationToken);
            var end = Stopwatch.GetTimestamp();
            if (okX)
            {
                xs.Add(Stats.Milliseconds(start, middle));
            }

            if (okY)
            {
                ys.Add(Stats.Milliseconds(middle, end));
            }

            errors.First += (ReferenceEquals(x, first) ? !okX : !okY) ? 1 : 0;
            errors.Second += (ReferenceEquals(x, first) ? !okY : !okX) ? 1 : 0;
        }

        return (LatencySample.From(a, errors.First), LatencySample.From(b, errors.Second));
    }

    /// <summary>
    /// <paramref name="clients"/> loops, each sending its next request when the previous one is answered: first
    /// unmeasured for <paramref name="warmUp"/> (and until every client has had a few answers, so that every
    /// environment it needs is started), then counted for <paramref name="duration"/>. A request counts when it
    /// completes inside the window.
    /// </summary>
    public static async Task<ThroughputSample> ConcurrentAsync(
        PostTarget target, int clients, TimeSpan warmUp, TimeSpan duration, CancellationToken cancellationToken)
    {
        const int warmUpPerClient = 10;
        await Task.WhenAll(Enumerable.Range(0, clients).Select(_ => Task.Run(
            async () =>
            {
                var started = Stopwatch.GetTimestamp();
                for (var done = 0; done < warmUpPerClient || Stopwatch.GetElapsedTime(started) < warmUp; done++)
                {
                    await target.SendAsync(cancellationToken);
                }
            },
            cancellationToken)));

        var windowStart = Stopwatch.GetTimestamp();
        var windowEnd = windowStart + (long)(duration.TotalSeconds * Stopwatch.Frequency);
        var perClient = await Task.WhenAll(Enumerable.Range(0, clients).Select(_ => Task.Run(
            async () =>
            {
                var latencies = new List<double>();
                var errors = 0;
                while (Stopwatch.GetTimestamp() < windowEnd)
                {
                    var start = Stopwatch.GetTimestamp();
                    var ok = await target.SendAsync(cancellationToken);
                    var end = Stopwatch.GetTimestamp();
                    if (end > windowEnd)
                    {
                        break;
                    }

                    if (ok)
                    {
                        latencies.Add(Stats.Milliseconds(start, end));
                    }
                    else
                    {
                        errors++;
                    }
                }

                return (latencies, errors);
            },
            cancellationToken)));

        var sample = LatencySample.From(perClient.SelectMany(c => c.latencies), perClient.Sum(c => c.errors));
        return new ThroughputSample(sample.SortedMilliseconds.Length, duration.TotalSeconds, sample);
    }
}
