// SPDX-License-Identifier: Apache-2.0
namespace Nimbus.Bench;

/// <summary>
/// auth: warm invoke with Auth=iam against Auth=off, same run: a fresh pair of servers per round (started in
/// alternating order, so neither is always the first process on the machine), the same no-op function in each,
/// invoked request by request in alternation (as alias does), so that drift on a shared machine hits both alike; the
/// figure is the median of the rounds' p50 ratios. Both clients sign (an SDK always does); only the iam server checks.
/// Target (issue "Identity and access"): ≤ 5% apart. NIMBUS_BENCH_AUTH_CONTROL=1 runs the same rounds with both
/// servers at Auth=off: the spread that method shows between two identical servers is the floor of what it can resolve.
/// </summary>
internal static class AuthBenchmark
{
    private const int WarmUp = 300;
    private const int Rounds = 8;
    private const int PerRound = 800;
    private const double TargetOverhead = 0.05;

    public static async Task RunAsync(BenchSession session, CancellationToken cancellationToken)
    {
        var control = Environment.GetEnvironmentVariable("NIMBUS_BENCH_AUTH_CONTROL") == "1";
        var first = control ? "off" : "iam";
        Report.Heading($"auth: warm invoke with Auth={first} vs Auth=off, {Rounds} rounds of {PerRound} interleaved pairs per runtime, a fresh pair of servers per round{(control ? " (CONTROL: both servers Auth=off)" : "")}");
        Report.Line("includes: everything of warm; with Auth=iam also SigV4 verification (signing key cached, body hashed in place) and the root's authorization");
        Report.Line("reference: the same function on a server with Auth=off (no verification, every caller the root), in the same run");

        foreach (var runtime in (string[])[FunctionCode.Python, FunctionCode.Node])
        {
            var name = "auth-" + runtime.Replace('.', '-');
            var ratios = new List<double>(Rounds);
            var iamP50 = new List<double>(Rounds);
            var offP50 = new List<double>(Rounds);
            var errors = 0;
            double iamCpu = 0, offCpu = 0;
            for (var round = 0; round < Rounds; round++)
            {
                var (a, o, cpuA, cpuO) = await RoundAsync(session, runtime, name, first, iamFirst: round % 2 == 0, cancellationToken);
                ratios.Add(a.P50 / o.P50);
                iamP50.Add(a.P50);
                offP50.Add(o.P50);
                iamCpu += cpuA;
                offCpu += cpuO;
                errors += a.Errors + o.Errors;
                Report.Line($"{runtime,-11} round {round + 1}: {first} p50 {Report.Ms(a.P50)}  off p50 {Report.Ms(o.P50)}  ({Report.Percent((a.P50 / o.P50) - 1)})");
            }

            // The servers' own CPU per request (utime + stime of /proc/PID/stat, 10 ms ticks: ~1.6 µs per invoke over 6,400): less swayed by other
            // work on the machine than latency, and what authentication adds to it directly.
            Report.Line($"{runtime,-11} server CPU per invoke: {first} {iamCpu / Rounds:0.0} µs  off {offCpu / Rounds:0.0} µs  ({(iamCpu - offCpu) / Rounds:+0.0;-0.0} µs)");
            var ratio = Stats.Median(ratios);
            var overhead = ratio - 1;
            Report.Line($"{runtime,-11} median of round p50 ratios: {Report.Percent(overhead)} (p50s: {first} {Report.Ms(Stats.Median(iamP50))}, off {Report.Ms(Stats.Median(offP50))})  errors {errors}");
            session.Report.Add(new Verdict(
                $"warm p50 {runtime}, Auth={first} vs off{(control ? " (control)" : "")}",
                Report.Ms(Stats.Median(iamP50)),
                $"Auth=off {Report.Ms(Stats.Median(offP50))}",
                Report.Times(ratio),
                $"≤ +{Report.Percent(TargetOverhead)}",
                overhead <= TargetOverhead && errors == 0));
        }
    }

    /// <summary>One round: two fresh servers, the function in each, warmed up, then interleaved pairs; CPU per invoke in µs.</summary>
    private static async Task<(LatencySample Checked, LatencySample Off, double CheckedCpu, double OffCpu)> RoundAsync(
        BenchSession session, string runtime, string name, string auth, bool iamFirst, CancellationToken cancellationToken)
    {
        NimbusProcess? iam = null, off = null;
        try
        {
            if (iamFirst)
            {
                iam = await NimbusProcess.StartAsync(session.Location, cancellationToken, auth: auth);
                off = await NimbusProcess.StartAsync(session.Location, cancellationToken, auth: "off");
            }
            else
            {
                off = await NimbusProcess.StartAsync(session.Location, cancellationToken, auth: "off");
                iam = await NimbusProcess.StartAsync(session.Location, cancellationToken, auth: auth);
            }

            using var iamHttp = HttpClients.CreateSigned(iam.BaseAddress);
            using var offHttp = HttpClients.CreateSigned(off.BaseAddress);
            await new LambdaClient(iamHttp).CreateNoOpAsync(name, runtime, cancellationToken);
            await new LambdaClient(offHttp).CreateNoOpAsync(name, runtime, cancellationToken);
            var withAuth = new PostTarget(auth, iamHttp, BenchSession.InvokePath(name), BenchSession.Payload);
            var without = new PostTarget("off", offHttp, BenchSession.InvokePath(name), BenchSession.Payload);
            await LoadRunner.SequentialAsync(withAuth, WarmUp, 1, cancellationToken);
            await LoadRunner.SequentialAsync(without, WarmUp, 1, cancellationToken);

            var iamCpuBefore = ProcFs.CpuMicroseconds(iam.Pid);
            var offCpuBefore = ProcFs.CpuMicroseconds(off.Pid);
            var (a, o) = await LoadRunner.InterleavedAsync(withAuth, without, PerRound, cancellationToken);
            var iamCpu = (ProcFs.CpuMicroseconds(iam.Pid) - iamCpuBefore) / (double)PerRound;
            var offCpu = (ProcFs.CpuMicroseconds(off.Pid) - offCpuBefore) / (double)PerRound;
            return (a, o, iamCpu ?? 0, offCpu ?? 0);
        }
        finally
        {
            if (iam is not null)
            {
                await iam.DisposeAsync();
            }

            if (off is not null)
            {
                await off.DisposeAsync();
            }
        }
    }
}
