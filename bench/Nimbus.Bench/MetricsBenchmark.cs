// SPDX-License-Identifier: Apache-2.0
namespace Nimbus.Bench;

/// <summary>
/// metrics: warm invoke with metrics recorded (the default) against Metrics=false, same run: two servers side by side,
/// the same Python no-op function in each. Throughput (concurrent clients, rounds alternating between the servers so
/// drift on a shared machine hits both alike), then latency request by request in alternation (as auth does), and each
/// server's CPU per invoke. Target (issue 13, Observability): ≤ 5% apart.
/// </summary>
internal static class MetricsBenchmark
{
    private const int Clients = 8;
    private const int ThroughputRounds = 4;
    private const int LatencyRounds = 4;
    private const int PerRound = 1000;
    private const double TargetOverhead = 0.05;
    private static readonly TimeSpan s_warmUp = TimeSpan.FromSeconds(3);
    private static readonly TimeSpan s_window = TimeSpan.FromSeconds(5);

    public static async Task RunAsync(BenchSession session, CancellationToken cancellationToken)
    {
        Report.Heading($"metrics: warm invoke with metrics on vs Metrics=false, two servers; throughput {ThroughputRounds} alternating rounds of {s_window.TotalSeconds:0} s x {Clients} clients, latency {LatencyRounds} rounds of {PerRound} interleaved pairs");
        Report.Line("includes: everything of warm; with metrics on also the per-invocation figures (Invocations, Errors, Duration histogram, concurrency; function, account series)");
        Report.Line("reference: the same function on a server with NIMBUS_METRICS=false, in the same run");
        await using var on = await NimbusProcess.StartAsync(session.Location, cancellationToken);
        await using var off = await NimbusProcess.StartAsync(session.Location, cancellationToken, settings: new Dictionary<string, string> { ["NIMBUS_METRICS"] = "false" });
        using var onHttp = HttpClients.CreateSigned(on.BaseAddress);
        using var offHttp = HttpClients.CreateSigned(off.BaseAddress);
        const string name = "metrics-python";
        await new LambdaClient(onHttp).CreateNoOpAsync(name, FunctionCode.Python, cancellationToken);
        await new LambdaClient(offHttp).CreateNoOpAsync(name, FunctionCode.Python, cancellationToken);
        var withMetrics = new PostTarget("on", onHttp, BenchSession.InvokePath(name), BenchSession.Payload);
        var without = new PostTarget("off", offHttp, BenchSession.InvokePath(name), BenchSession.Payload);

        var onRates = new List<double>(ThroughputRounds);
        var offRates = new List<double>(ThroughputRounds);
        var errors = 0;
        for (var round = 0; round < ThroughputRounds; round++)
        {
            // Alternate which server goes first, so neither always runs on a machine the other just warmed.
            var (first, second) = round % 2 == 0 ? (withMetrics, without) : (without, withMetrics);
            var a = await LoadRunner.ConcurrentAsync(first, Clients, s_warmUp, s_window, cancellationToken);
            var b = await LoadRunner.ConcurrentAsync(second, Clients, s_warmUp, s_window, cancellationToken);
            var (onSample, offSample) = round % 2 == 0 ? (a, b) : (b, a);
            onRates.Add(onSample.RequestsPerSecond);
            offRates.Add(offSample.RequestsPerSecond);
            errors += onSample.Latency.Errors + offSample.Latency.Errors;
            Report.Line($"round {round + 1}: on {Report.Number(onSample.RequestsPerSecond)} req/s  off {Report.Number(offSample.RequestsPerSecond)} req/s  ({Report.Percent((onSample.RequestsPerSecond / offSample.RequestsPerSecond) - 1)})");
        }

        var onRate = Stats.Median(onRates);
        var offRate = Stats.Median(offRates);
        var throughputOverhead = 1 - (onRate / offRate);
        Report.Line($"median throughput: on {Report.Number(onRate)} req/s  off {Report.Number(offRate)} req/s  overhead {Report.Percent(throughputOverhead)}  errors {errors}");
        session.Report.Add(new Verdict(
            $"warm throughput {FunctionCode.Python}, metrics on vs off",
            $"{Report.Number(onRate)} req/s",
            $"Metrics=false {Report.Number(offRate)} req/s",
            Report.Times(onRate / offRate),
            $"≥ -{Report.Percent(TargetOverhead)}",
            throughputOverhead <= TargetOverhead && errors == 0));

        var onCpuBefore = ProcFs.CpuMicroseconds(on.Pid);
        var offCpuBefore = ProcFs.CpuMicroseconds(off.Pid);
        var onP50 = new List<double>(LatencyRounds);
        var offP50 = new List<double>(LatencyRounds);
        for (var round = 0; round < LatencyRounds; round++)
        {
            var (a, o) = await LoadRunner.InterleavedAsync(withMetrics, without, PerRound, cancellationToken);
            onP50.Add(a.P50);
            offP50.Add(o.P50);
            errors += a.Errors + o.Errors;
        }

        var onCpu = (ProcFs.CpuMicroseconds(on.Pid) - onCpuBefore) / (double)(LatencyRounds * PerRound);
        var offCpu = (ProcFs.CpuMicroseconds(off.Pid) - offCpuBefore) / (double)(LatencyRounds * PerRound);
        var onMedian = Stats.Median(onP50);
        var offMedian = Stats.Median(offP50);
        Report.Line($"server CPU per invoke: on {onCpu:0.0} µs  off {offCpu:0.0} µs  ({onCpu - offCpu:+0.0;-0.0} µs)");
        Report.Line($"median of round p50s: on {Report.Ms(onMedian)}  off {Report.Ms(offMedian)}  overhead {Report.Percent((onMedian / offMedian) - 1)}");
        session.Report.Add(new Verdict(
            $"warm p50 {FunctionCode.Python}, metrics on vs off",
            Report.Ms(onMedian),
            $"Metrics=false {Report.Ms(offMedian)}",
            Report.Times(onMedian / offMedian),
            $"≤ +{Report.Percent(TargetOverhead)}",
            (onMedian / offMedian) - 1 <= TargetOverhead && errors == 0));
    }
}
