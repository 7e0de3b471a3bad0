// SPDX-License-Identifier: Apache-2.0
using System.Text;

namespace Nimbus.Bench;

/// <summary>
/// audit: warm invoke with the audit trail recording every Invoke (AuditDataEvents=true) and every invocation traced
/// (TracingConfig Active, spans exported over OTLP/HTTP to a sink in the bench) against a server with the trail off and
/// no exporter, same run: two servers side by side, the same no-op function in each, invoked request by request in
/// alternation (as auth does). Target (issue "Observability"): ≤ 5% apart.
/// </summary>
internal static class AuditBenchmark
{
    private const int WarmUp = 300;
    private const int Rounds = 6;
    private const int PerRound = 1000;
    private const double TargetOverhead = 0.05;

    public static async Task RunAsync(BenchSession session, CancellationToken cancellationToken)
    {
        Report.Heading($"audit: warm invoke with the audit trail (data events) and OTLP tracing on vs both off, two servers, {Rounds} rounds of {PerRound} interleaved pairs per runtime");
        Report.Line("includes: everything of warm; with them on also the Invoke event recorded (built, queued, group-committed), the trace decided and the Invoke span exported");
        Report.Line("reference: the same function on a server with Audit=false and no TracingOtlpEndpoint, in the same run");
        await using var sink = await EchoServer.StartAsync(cancellationToken);
        var observed = new Dictionary<string, string>
        {
            ["NIMBUS_AUDIT_DATA_EVENTS"] = "true",
            ["NIMBUS_TRACING_OTLP_ENDPOINT"] = sink.BaseAddress.ToString().TrimEnd('/'),
        };
        await using var on = await NimbusProcess.StartAsync(session.Location, cancellationToken, settings: observed);
        await using var off = await NimbusProcess.StartAsync(session.Location, cancellationToken, settings: new Dictionary<string, string> { ["NIMBUS_AUDIT"] = "false" });
        using var onHttp = HttpClients.CreateSigned(on.BaseAddress);
        using var offHttp = HttpClients.CreateSigned(off.BaseAddress);

        foreach (var runtime in (string[])[FunctionCode.Python, FunctionCode.Node])
        {
            var name = "audit-" + runtime.Replace('.', '-');
            await new LambdaClient(onHttp).CreateNoOpAsync(name, runtime, cancellationToken);
            await new LambdaClient(offHttp).CreateNoOpAsync(name, runtime, cancellationToken);
            using (var active = new StringContent("""{"TracingConfig":{"Mode":"Active"}}""", Encoding.UTF8, "application/json"))
            {
                using var updated = await onHttp.PutAsync(new Uri($"/2015-03-31/functions/{name}/configuration", UriKind.Relative), active, cancellationToken);
                updated.EnsureSuccessStatusCode();
            }

            var withObservability = new PostTarget("on", onHttp, BenchSession.InvokePath(name), BenchSession.Payload);
            var without = new PostTarget("off", offHttp, BenchSession.InvokePath(name), BenchSession.Payload);
            await LoadRunner.SequentialAsync(withObservability, WarmUp, 1, cancellationToken);
            await LoadRunner.SequentialAsync(without, WarmUp, 1, cancellationToken);

            var onCpuBefore = ProcFs.CpuMicroseconds(on.Pid);
            var offCpuBefore = ProcFs.CpuMicroseconds(off.Pid);
            var onP50 = new List<double>(Rounds);
            var offP50 = new List<double>(Rounds);
            var errors = 0;
            for (var round = 0; round < Rounds; round++)
            {
                var (a, o) = await LoadRunner.InterleavedAsync(withObservability, without, PerRound, cancellationToken);
                onP50.Add(a.P50);
                offP50.Add(o.P50);
                errors += a.Errors + o.Errors;
                Report.Line($"{runtime,-11} round {round + 1}: on p50 {Report.Ms(a.P50)}  off p50 {Report.Ms(o.P50)}  ({Report.Percent((a.P50 / o.P50) - 1)})");
            }

            var onCpu = (ProcFs.CpuMicroseconds(on.Pid) - onCpuBefore) / (double)(Rounds * PerRound);
            var offCpu = (ProcFs.CpuMicroseconds(off.Pid) - offCpuBefore) / (double)(Rounds * PerRound);
            Report.Line($"{runtime,-11} server CPU per invoke: on {onCpu:0.0} µs  off {offCpu:0.0} µs  ({onCpu - offCpu:+0.0;-0.0} µs)");
            var onMedian = Stats.Median(onP50);
            var offMedian = Stats.Median(offP50);
            var overhead = (onMedian / offMedian) - 1;
            Report.Line($"{runtime,-11} median of round p50s: on {Report.Ms(onMedian)}  off {Report.Ms(offMedian)}  overhead {Report.Percent(overhead)}  errors {errors}");
            session.Report.Add(new Verdict(
                $"warm p50 {runtime}, audit+tracing on vs off",
                Report.Ms(onMedian),
                $"off {Report.Ms(offMedian)}",
                Report.Times(onMedian / offMedian),
                $"≤ +{Report.Percent(TargetOverhead)}",
                overhead <= TargetOverhead && errors == 0));
        }
    }
}
