// SPDX-License-Identifier: Apache-2.0
namespace Nimbus.Bench;

/// <summary>
/// auth: warm invoke with Auth=iam against Auth=off, same run: two servers side by side, the same no-op function in
/// each, invoked request by request in alternation (as alias does), so that drift on a shared machine hits both alike.
/// Both clients sign (an SDK always does); only the iam server checks. Target (issue "Identity and access"): ≤ 5% apart.
/// </summary>
internal static class AuthBenchmark
{
    private const int WarmUp = 300;
    private const int Rounds = 6;
    private const int PerRound = 1000;
    private const double TargetOverhead = 0.05;

    public static async Task RunAsync(BenchSession session, CancellationToken cancellationToken)
    {
        Report.Heading($"auth: warm invoke with Auth=iam vs Auth=off, two servers, {Rounds} rounds of {PerRound} interleaved pairs per runtime");
        Report.Line("includes: everything of warm; with Auth=iam also SigV4 verification (signing key cached, body hashed in place) and the root's authorization");
        Report.Line("reference: the same function on a server with Auth=off (no verification, every caller the root), in the same run");
        await using var iam = await NimbusProcess.StartAsync(session.Location, cancellationToken, auth: "iam");
        await using var off = await NimbusProcess.StartAsync(session.Location, cancellationToken, auth: "off");
        using var iamHttp = HttpClients.CreateSigned(iam.BaseAddress);
        using var offHttp = HttpClients.CreateSigned(off.BaseAddress);

        foreach (var runtime in (string[])[FunctionCode.Python, FunctionCode.Node])
        {
            var name = "auth-" + runtime.Replace('.', '-');
            await new LambdaClient(iamHttp).CreateNoOpAsync(name, runtime, cancellationToken);
            await new LambdaClient(offHttp).CreateNoOpAsync(name, runtime, cancellationToken);
            var withAuth = new PostTarget("iam", iamHttp, BenchSession.InvokePath(name), BenchSession.Payload);
            var without = new PostTarget("off", offHttp, BenchSession.InvokePath(name), BenchSession.Payload);
            await LoadRunner.SequentialAsync(withAuth, WarmUp, 1, cancellationToken);
            await LoadRunner.SequentialAsync(without, WarmUp, 1, cancellationToken);

            var iamCpuBefore = ProcFs.CpuMicroseconds(iam.Pid);
            var offCpuBefore = ProcFs.CpuMicroseconds(off.Pid);
            var iamP50 = new List<double>(Rounds);
            var offP50 = new List<double>(Rounds);
            var errors = 0;
            for (var round = 0; round < Rounds; round++)
            {
                var (a, o) = await LoadRunner.InterleavedAsync(withAuth, without, PerRound, cancellationToken);
                iamP50.Add(a.P50);
                offP50.Add(o.P50);
                errors += a.Errors + o.Errors;
                Report.Line($"{runtime,-11} round {round + 1}: iam p50 {Report.Ms(a.P50)}  off p50 {Report.Ms(o.P50)}  ({Report.Percent((a.P50 / o.P50) - 1)})");
            }

            // The servers' own CPU per request (utime + stime of /proc/PID/stat, 10 ms ticks: ~1.7 µs per invoke over 6,000): less swayed by other
            // work on the machine than latency, and what authentication adds to it directly.
            var iamCpu = (ProcFs.CpuMicroseconds(iam.Pid) - iamCpuBefore) / (double)(Rounds * PerRound);
            var offCpu = (ProcFs.CpuMicroseconds(off.Pid) - offCpuBefore) / (double)(Rounds * PerRound);
            Report.Line($"{runtime,-11} server CPU per invoke: iam {iamCpu:0.0} µs  off {offCpu:0.0} µs  ({iamCpu - offCpu:+0.0;-0.0} µs)");
            var iamMedian = Stats.Median(iamP50);
            var offMedian = Stats.Median(offP50);
            var overhead = (iamMedian / offMedian) - 1;
            Report.Line($"{runtime,-11} median of round p50s: iam {Report.Ms(iamMedian)}  off {Report.Ms(offMedian)}  overhead {Report.Percent(overhead)}  errors {errors}");
            session.Report.Add(new Verdict(
                $"warm p50 {runtime}, Auth=iam vs off",
                Report.Ms(iamMedian),
                $"Auth=off {Report.Ms(offMedian)}",
                Report.Times(iamMedian / offMedian),
                $"≤ +{Report.Percent(TargetOverhead)}",
                overhead <= TargetOverhead && errors == 0));
        }
    }
}
