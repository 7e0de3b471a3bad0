// SPDX-License-Identifier: Apache-2.0
using BenchmarkDotNet.Attributes;
using Nimbus.Core.Arns;
using Nimbus.Core.Metrics;

namespace Nimbus.MicroBench;

/// <summary>
/// What metrics add to one invocation on the invoke path: InvocationStarting then InvocationEnded (Invocations,
/// Errors, the Duration histogram, ConcurrentExecutions into the function's and the account's series, and a
/// version/alias series when qualified). Against it, the same calls on a recorder with metrics off.
/// </summary>
[MemoryDiagnoser]
[MedianColumn]
public class MetricsRecordingBenchmarks
{
    private static readonly Scope Scope = new("000000000000", "us-east-1");
    private MetricsAggregator _on = null!;
    private MetricsAggregator _off = null!;
    private double _duration;

    [GlobalSetup]
    public void Setup()
    {
        _on = new MetricsAggregator(TimeProvider.System);
        _off = new MetricsAggregator(TimeProvider.System, enabled: false);
        Record(_on, "live");
        Record(_on, null);
    }

    [Benchmark(Baseline = true)]
    public void Off() => Record(_off, null);

    [Benchmark]
    public void Unqualified() => Record(_on, null);

    [Benchmark]
    public void Alias() => Record(_on, "live");

    private void Record(MetricsAggregator aggregator, string? qualifier)
    {
        _duration = (_duration + 1.7) % 900;
        aggregator.InvocationStarting(Scope, "bench", qualifier);
        aggregator.InvocationEnded(Scope, "bench", qualifier, new InvocationFigures(_duration, Error: false, Provisioned: false, UnreservedInFlight: 0, ProvisionedConfigured: 0));
    }
}
