// SPDX-License-Identifier: Apache-2.0
namespace Nimbus.Bench;

/// <summary>One sequence of timed requests: the latency of each that succeeded, a count of those that did not.</summary>
internal sealed class LatencyRecorder(int capacity)
{
    private readonly List<double> _milliseconds = new(capacity);
    private int _errors;

    /// <summary>A request timed from <paramref name="start"/> to <paramref name="end"/> (Stopwatch timestamps).</summary>
    public void Add(bool ok, long start, long end)
    {
        if (ok)
        {
            _milliseconds.Add(Stats.Milliseconds(start, end));
        }
        else
        {
            _errors++;
        }
    }

    public LatencySample ToSample() => LatencySample.From(_milliseconds, _errors);
}
