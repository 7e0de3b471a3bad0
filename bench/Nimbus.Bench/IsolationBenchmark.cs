// SPDX-License-Identifier: Apache-2.0
using System.Diagnostics;

namespace Nimbus.Bench;

/// <summary>
/// isolation: the runc sandbox against the process backend, in the same run (issue #4). Cold start: first invoke of a
/// new Python no-op function (target: runc adds ≤ 30 ms). Warm: sequential invokes of a warm function (target: no
/// measurable difference; reported as the p50 ratio). Functions get 1,769 MB (one vCPU), so the CPU quota that runc
/// applies after init does not throttle the measurement.
/// </summary>
internal static class IsolationBenchmark
{
    private const int ColdRuns = 8;
    private const int WarmUp = 100;
    private const int WarmCount = 1000;
    private const double ColdTargetMs = 30;
    private const double WarmTargetRatio = 1.10;

    public static async Task RunAsync(BenchSession session, CancellationToken cancellationToken)
    {
        Report.Heading($"isolation: runc vs process, {FunctionCode.Python} no-op at 1769 MB; cold: median of {ColdRuns} first invokes; warm: {WarmCount} sequential invokes");
        Report.Line("cold includes: HTTP request, sandbox start (runc: bundle, runc create, slirp4netns, runc start), nimbus-init, interpreter and runtime client start, one invocation");
        var results = new Dictionary<string, (double Cold, double WarmP50)>(StringComparer.Ordinal);
        foreach (var sandbox in (string[])["process", "runc"])
        {
            await using var nimbus = await NimbusProcess.StartAsync(session.Location, cancellationToken, sandbox);
            using var http = HttpClients.CreateSigned(nimbus.BaseAddress);
            var lambda = new LambdaClient(http);

            // One uncounted function first: the server's own first-invoke costs (JIT) are not the sandbox's.
            await lambda.CreateNoOpAsync($"iso-{sandbox}-warmup", FunctionCode.Python, cancellationToken, 1769);
            await lambda.InvokeAsync($"iso-{sandbox}-warmup", BenchSession.Payload, tail: false, cancellationToken);

            var cold = new List<double>(ColdRuns);
            for (var i = 0; i < ColdRuns; i++)
            {
                var name = $"iso-{sandbox}-{i}";
                await lambda.CreateNoOpAsync(name, FunctionCode.Python, cancellationToken, 1769);
                var clock = Stopwatch.StartNew();
                await lambda.InvokeAsync(name, BenchSession.Payload, tail: false, cancellationToken);
                cold.Add(clock.Elapsed.TotalMilliseconds);
            }

            cold.Sort();
            var warm = await LoadRunner.SequentialAsync(
                new PostTarget(sandbox, http, BenchSession.InvokePath($"iso-{sandbox}-0"), BenchSession.Payload), WarmUp, WarmCount, cancellationToken);
            var coldMedian = Stats.Median(cold);
            results[sandbox] = (coldMedian, warm.P50);
            Report.Line($"{sandbox,-8} cold median {Report.Ms(coldMedian)} (min {Report.Ms(cold[0])}, max {Report.Ms(cold[^1])})  warm p50 {Report.Ms(warm.P50)}  p99 {Report.Ms(warm.P99)}  errors {warm.Errors}");
        }

        var added = results["runc"].Cold - results["process"].Cold;
        session.Report.Add(new Verdict(
            "cold start added by runc",
            Report.Ms(added),
            $"process backend cold median {Report.Ms(results["process"].Cold)} (same run)",
            Report.Times(results["runc"].Cold / results["process"].Cold),
            $"≤ {Report.Ms(ColdTargetMs)} added",
            added <= ColdTargetMs));
        var warmRatio = results["runc"].WarmP50 / results["process"].WarmP50;
        session.Report.Add(new Verdict(
            "warm invoke p50 runc",
            Report.Ms(results["runc"].WarmP50),
            $"process backend p50 {Report.Ms(results["process"].WarmP50)} (same run)",
            Report.Times(warmRatio),
            $"≤ {Report.Times(WarmTargetRatio)} (no measurable difference)",
            warmRatio <= WarmTargetRatio));
    }
}
