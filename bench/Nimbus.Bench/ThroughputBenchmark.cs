// SPDX-License-Identifier: Apache-2.0
namespace Nimbus.Bench;

/// <summary>
/// throughput: 16 clients invoking the Python no-op function for 10 s, against the same 16 clients on the echo
/// server. Target (issue #3): ≥ 12% of the echo's requests/s; and ≥ 2× serverless-offline's invoke endpoint, whose
/// range on this machine the issue states (not measured here).
/// </summary>
internal static class ThroughputBenchmark
{
    private const int Clients = 16;
    private const double TargetShare = 0.12;
    private const double OfflineLow = 1200;
    private const double OfflineHigh = 4700;
    private const double OfflineFactor = 2;
    private static readonly TimeSpan s_duration = TimeSpan.FromSeconds(10);
    // Both measured in their steady state: 7 s into a fresh server's load, the tiered JIT's thread still had 23% of its
    // CPU samples (0.6% after 30 s; perf, 2026-12-04), and the figure rose from ~4,700 to ~5,600 req/s.
    private static readonly TimeSpan s_echoWarmUp = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan s_nimbusWarmUp = TimeSpan.FromSeconds(20);

    public static async Task RunAsync(BenchSession session, CancellationToken cancellationToken)
    {
        Report.Heading($"throughput: {Clients} concurrent clients for {s_duration.TotalSeconds:0} s (after warm-up), Python no-op ({FunctionCode.Python}) at {WarmBenchmark.MemorySize} MB");
        Report.Line($"warm-up: {s_echoWarmUp.TotalSeconds:0} s on the echo server; {s_nimbusWarmUp.TotalSeconds:0} s on Nimbus (starts an environment per concurrent client, lets the fresh server's tiered JIT settle)");
        Report.Line("each client sends its next request when the previous one is answered; a request counts when it completes in the window");
        await using var nimbus = await NimbusProcess.StartAsync(session.Location, cancellationToken);
        await using var echo = await EchoServer.StartAsync(cancellationToken);
        using var nimbusHttp = HttpClients.CreateSigned(nimbus.BaseAddress);
        using var echoHttp = HttpClients.Create(echo.BaseAddress);
        var lambda = new LambdaClient(nimbusHttp);

        var reference = await LoadRunner.ConcurrentAsync(
            new PostTarget("echo", echoHttp, BenchSession.EchoPath, BenchSession.Payload), Clients, s_echoWarmUp, s_duration, cancellationToken);
        Print("echo", reference);

        const string name = "throughput-python";
        // One vCPU per environment, as the warm figure (WarmBenchmark.MemorySize): the platform's path, not a 128 MB quota.
        await lambda.CreateNoOpAsync(name, FunctionCode.Python, cancellationToken, WarmBenchmark.MemorySize);
        var sample = await LoadRunner.ConcurrentAsync(
            new PostTarget(name, nimbusHttp, BenchSession.InvokePath(name), BenchSession.Payload), Clients, s_nimbusWarmUp, s_duration, cancellationToken);
        Print(FunctionCode.Python, sample);
        Report.Line($"environments of the function after the run: {ProcFs.EnvironmentsOf(nimbus.Pid, nimbus.DataDir).Inits.Count}");

        var share = sample.RequestsPerSecond / reference.RequestsPerSecond;
        session.Report.Add(new Verdict(
            "throughput python3.11 (16 clients)",
            $"{Report.Number(sample.RequestsPerSecond)} req/s",
            $"echo {Report.Number(reference.RequestsPerSecond)} req/s",
            Report.Percent(share),
            $"≥ {Report.Percent(TargetShare)} of echo",
            share >= TargetShare && sample.Latency.Errors == 0));

        Report.Line($"stated reference, NOT measured in this run: serverless-offline's invoke endpoint on this machine, " +
            $"about {Report.Number(OfflineLow, "#,0")}–{Report.Number(OfflineHigh, "#,0")} invokes/s (issue #3)");
        var low = OfflineFactor * OfflineLow;
        var high = OfflineFactor * OfflineHigh;
        session.Report.Add(new Verdict(
            "throughput vs serverless-offline (stated, not measured)",
            $"{Report.Number(sample.RequestsPerSecond)} req/s",
            $"{Report.Number(OfflineLow, "#,0")}–{Report.Number(OfflineHigh, "#,0")} invokes/s (stated)",
            $"{Report.Times(sample.RequestsPerSecond / OfflineHigh)}–{Report.Times(sample.RequestsPerSecond / OfflineLow)}",
            $"≥ 2× the whole range = {Report.Number(high, "#,0")} req/s (≥ {Report.Number(low, "#,0")} for the low end: " +
                $"{(sample.RequestsPerSecond >= low ? "met" : "not met")})",
            sample.RequestsPerSecond >= high));
    }

    private static void Print(string label, ThroughputSample sample) =>
        Report.Line($"{label,-11} {Report.Number(sample.RequestsPerSecond),7} req/s  ({sample.Completed} in {sample.Seconds:0} s)  " +
            $"latency under load p50 {Report.Ms(sample.Latency.P50)}  p99 {Report.Ms(sample.Latency.P99)}  errors {sample.Latency.Errors}");
}
