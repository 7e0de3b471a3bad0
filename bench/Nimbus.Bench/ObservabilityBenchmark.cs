// SPDX-License-Identifier: Apache-2.0
using System.Text;

namespace Nimbus.Bench;

/// <summary>
/// observability: warm invoke throughput with everything of issue 13 on against everything off, same run, two servers
/// side by side, the same Python no-op function in each. On: function logs (Text, every platform line), metrics,
/// tracing (TracingConfig Active, spans exported over OTLP/HTTP to a sink in the bench) and the audit trail with data
/// events (every Invoke recorded). Off: Metrics=false, Audit=false, no exporter, and the function's LoggingConfig
/// filtering every line at the source (JSON, SystemLogLevel WARN, ApplicationLogLevel ERROR: no START/END/REPORT and no
/// application lines written). Rounds alternate between the servers so drift on a shared machine hits both alike; each
/// server's CPU per invoke is printed beside. Target (issue 13): ≤ 5% apart.
/// </summary>
internal static class ObservabilityBenchmark
{
    private const int Clients = 8;
    private const int Rounds = 6;
    private const double TargetOverhead = 0.05;
    private static readonly TimeSpan s_warmUp = TimeSpan.FromSeconds(3);
    private static readonly TimeSpan s_window = TimeSpan.FromSeconds(5);

    public static async Task RunAsync(BenchSession session, CancellationToken cancellationToken)
    {
        Report.Heading($"observability: warm invoke throughput with logs, metrics, traces (Active, OTLP) and audit (data events) on vs all off, two servers, {Rounds} alternating rounds of {s_window.TotalSeconds:0} s x {Clients} clients");
        Report.Line("includes: everything of warm; with them on also START/END/REPORT lines written, the metrics recorded, the trace decided and its spans exported, the Invoke event recorded");
        Report.Line("reference: the same function on a server with NIMBUS_METRICS=false, NIMBUS_AUDIT=false, no OTLP endpoint, its LoggingConfig filtering every line, in the same run");
        await using var sink = await EchoServer.StartAsync(cancellationToken);
        var observed = new Dictionary<string, string>
        {
            ["NIMBUS_AUDIT_DATA_EVENTS"] = "true",
            ["NIMBUS_TRACING_OTLP_ENDPOINT"] = sink.BaseAddress.ToString().TrimEnd('/'),
        };
        var dark = new Dictionary<string, string> { ["NIMBUS_METRICS"] = "false", ["NIMBUS_AUDIT"] = "false" };
        await using var on = await NimbusProcess.StartAsync(session.Location, cancellationToken, settings: observed);
        await using var off = await NimbusProcess.StartAsync(session.Location, cancellationToken, settings: dark);
        using var onHttp = HttpClients.CreateSigned(on.BaseAddress);
        using var offHttp = HttpClients.CreateSigned(off.BaseAddress);
        const string name = "observed-python";
        await new LambdaClient(onHttp).CreateNoOpAsync(name, FunctionCode.Python, cancellationToken);
        await new LambdaClient(offHttp).CreateNoOpAsync(name, FunctionCode.Python, cancellationToken);
        await ConfigureAsync(onHttp, name, """{"TracingConfig":{"Mode":"Active"}}""", cancellationToken);
        await ConfigureAsync(offHttp, name, """{"LoggingConfig":{"LogFormat":"JSON","ApplicationLogLevel":"ERROR","SystemLogLevel":"WARN"}}""", cancellationToken);
        var withAll = new PostTarget("on", onHttp, BenchSession.InvokePath(name), BenchSession.Payload);
        var without = new PostTarget("off", offHttp, BenchSession.InvokePath(name), BenchSession.Payload);

        var onRates = new List<double>(Rounds);
        var offRates = new List<double>(Rounds);
        var onCpu = new List<double>(Rounds);
        var offCpu = new List<double>(Rounds);
        var errors = 0;
        for (var round = 0; round < Rounds; round++)
        {
            var onFirst = round % 2 == 0;
            var (first, firstPid, second, secondPid) = onFirst ? (withAll, on.Pid, without, off.Pid) : (without, off.Pid, withAll, on.Pid);
            var (a, aCpu) = await MeasureAsync(first, firstPid, cancellationToken);
            var (b, bCpu) = await MeasureAsync(second, secondPid, cancellationToken);
            var (onSample, onCpuPer, offSample, offCpuPer) = onFirst ? (a, aCpu, b, bCpu) : (b, bCpu, a, aCpu);
            onRates.Add(onSample.RequestsPerSecond);
            offRates.Add(offSample.RequestsPerSecond);
            onCpu.Add(onCpuPer);
            offCpu.Add(offCpuPer);
            errors += onSample.Latency.Errors + offSample.Latency.Errors;
            Report.Line($"round {round + 1}: on {Report.Number(onSample.RequestsPerSecond)} req/s ({onCpuPer:0} µs CPU/invoke)  off {Report.Number(offSample.RequestsPerSecond)} req/s ({offCpuPer:0} µs)  ({Report.Percent((onSample.RequestsPerSecond / offSample.RequestsPerSecond) - 1)})");
        }

        var onRate = Stats.Median(onRates);
        var offRate = Stats.Median(offRates);
        var overhead = 1 - (onRate / offRate);
        Report.Line($"median throughput: on {Report.Number(onRate)} req/s  off {Report.Number(offRate)} req/s  overhead {Report.Percent(overhead)}  errors {errors}");
        Report.Line($"median server CPU per invoke: on {Stats.Median(onCpu):0} µs  off {Stats.Median(offCpu):0} µs  ({Stats.Median(onCpu) - Stats.Median(offCpu):+0;-0} µs)");
        session.Report.Add(new Verdict(
            $"warm throughput {FunctionCode.Python}, logs+metrics+traces+audit on vs all off",
            $"{Report.Number(onRate)} req/s",
            $"all off {Report.Number(offRate)} req/s",
            Report.Times(onRate / offRate),
            $"≥ -{Report.Percent(TargetOverhead)}",
            overhead <= TargetOverhead && errors == 0));
    }

    /// <summary>One throughput window, with the server's CPU time per completed invoke over it (warm-up included).</summary>
    private static async Task<(ThroughputSample Sample, double CpuMicrosecondsPerInvoke)> MeasureAsync(PostTarget target, int pid, CancellationToken cancellationToken)
    {
        var before = ProcFs.CpuMicroseconds(pid) ?? 0;
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        var sample = await LoadRunner.ConcurrentAsync(target, Clients, s_warmUp, s_window, cancellationToken);
        var cpu = (ProcFs.CpuMicroseconds(pid) ?? 0) - before;
        var seconds = System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalSeconds;

        // The window's requests per second over the whole measured time approximates the invokes served in it.
        return (sample, cpu / Math.Max(1, sample.RequestsPerSecond * seconds));
    }

    private static async Task ConfigureAsync(HttpClient http, string name, string configuration, CancellationToken cancellationToken)
    {
        using var content = new StringContent(configuration, Encoding.UTF8, "application/json");
        using var updated = await http.PutAsync(new Uri($"/2015-03-31/functions/{name}/configuration", UriKind.Relative), content, cancellationToken);
        updated.EnsureSuccessStatusCode();
    }
}
