// SPDX-License-Identifier: Apache-2.0
namespace Nimbus.Bench;

/// <summary>
/// warm: sequential Invoke of a no-op handler that already has a warm environment (Python, Node.js), against the
/// same requests to the in-process Kestrel echo server. Target (issue #3): p50 ≤ 3× the echo's p50.
/// </summary>
internal static class WarmBenchmark
{
    private const int WarmUp = 200;
    private const int Count = 2000;
    private const double TargetRatio = 3.0;

    /// <summary>
    /// One full vCPU (Lambda gives MemorySize / 1,769 MB of one): the target is about the platform's path, and under
    /// runc a 128 MB function's 7.2 ms of CPU per 100 ms is used up by a back-to-back client, whose requests then wait
    /// for the next period (measured apart, for information).
    /// </summary>
    public const int MemorySize = 1769;

    private const int SmallMemorySize = 128;

    /// <summary>
    /// The first function's warm-up lasts at least this long: a fresh server runs tier-0 code for its first seconds
    /// (200 requests left the first runtime measured 0.1–0.3 ms slower than the same server's later ones).
    /// </summary>
    private static readonly TimeSpan s_serverWarmUp = TimeSpan.FromSeconds(5);

    public static async Task RunAsync(BenchSession session, CancellationToken cancellationToken)
    {
        Report.Heading($"warm: sequential invoke of a no-op handler, {Count} requests after {WarmUp} warm-up ({s_serverWarmUp.TotalSeconds:0} s at least for the first function, the fresh server's JIT), one client");
        Report.Line("includes: HTTP request on loopback, Invoke API, hand-over to the warm environment (nimbus-init, runtime client), the handler, the response");
        Report.Line("reference: the same client, settings and payload against a minimal Kestrel echo server (POST / returns the body) in this process");
        Report.Line($"functions at {MemorySize} MB (one vCPU); a {SmallMemorySize} MB python function after them, for information (under runc its CPU quota throttles a back-to-back client)");
        await using var nimbus = await NimbusProcess.StartAsync(session.Location, cancellationToken);
        await using var echo = await EchoServer.StartAsync(cancellationToken);
        using var nimbusHttp = HttpClients.CreateSigned(nimbus.BaseAddress);
        using var echoHttp = HttpClients.Create(echo.BaseAddress);
        var lambda = new LambdaClient(nimbusHttp);

        var reference = await LoadRunner.SequentialAsync(
            new PostTarget("echo", echoHttp, BenchSession.EchoPath, BenchSession.Payload), WarmUp, Count, cancellationToken);
        Report.Line($"echo        p50 {Report.Ms(reference.P50)}  p99 {Report.Ms(reference.P99)}  errors {reference.Errors}");

        var serverWarmUp = s_serverWarmUp;
        foreach (var runtime in (string[])[FunctionCode.Python, FunctionCode.Node])
        {
            var name = "warm-" + runtime.Replace('.', '-');
            await lambda.CreateNoOpAsync(name, runtime, cancellationToken, MemorySize);
            var sample = await LoadRunner.SequentialAsync(
                new PostTarget(name, nimbusHttp, BenchSession.InvokePath(name), BenchSession.Payload), WarmUp, Count, cancellationToken, serverWarmUp);
            serverWarmUp = TimeSpan.Zero;
            Report.Line($"{runtime,-11} p50 {Report.Ms(sample.P50)}  p99 {Report.Ms(sample.P99)}  errors {sample.Errors}" +
                $"  (p99 ratio {Report.Times(sample.P99 / reference.P99)})");
            var ratio = sample.P50 / reference.P50;
            session.Report.Add(new Verdict(
                $"warm p50 {runtime}",
                Report.Ms(sample.P50),
                $"echo p50 {Report.Ms(reference.P50)}",
                Report.Times(ratio),
                $"≤ {Report.Times(TargetRatio)} echo",
                ratio <= TargetRatio && sample.Errors == 0));
        }

        const string small = "warm-python-128";
        await lambda.CreateNoOpAsync(small, FunctionCode.Python, cancellationToken, SmallMemorySize);
        var throttled = await LoadRunner.SequentialAsync(
            new PostTarget(small, nimbusHttp, BenchSession.InvokePath(small), BenchSession.Payload), WarmUp, Count, cancellationToken);
        Report.Line($"{FunctionCode.Python} at {SmallMemorySize} MB, not a verdict: p50 {Report.Ms(throttled.P50)}  p99 {Report.Ms(throttled.P99)}  errors {throttled.Errors}");
    }
}
