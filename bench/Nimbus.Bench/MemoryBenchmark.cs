// SPDX-License-Identifier: Apache-2.0
namespace Nimbus.Bench;

/// <summary>
/// memory: what the platform spends per idle warm environment outside the runtime process: 20 functions invoked
/// once each, then (sum of nimbus-init RSS + the server's RSS growth) / 20. Targets: ≤ 5 MB (issue #3), ≤ 2 MB (issue
/// "Speed", the same definition).
/// </summary>
internal static class MemoryBenchmark
{
    private const int Environments = 20;
    private const double TargetBytes = 5 * 1024 * 1024;
    private const double SpeedTargetBytes = 2 * 1024 * 1024;
    private static readonly TimeSpan s_settle = TimeSpan.FromSeconds(1);

    public static async Task RunAsync(BenchSession session, CancellationToken cancellationToken)
    {
        Report.Heading($"memory: platform memory per idle warm environment, {Environments} {FunctionCode.Python} no-op functions invoked once each");
        Report.Line("per environment = (sum of VmRSS of the environments' nimbus-init (nimbus-idle once it took over), and under runc their tini and slirp4netns (or all of the one nimbus-net), + growth of the server's VmRSS) / 20; the runtime processes are not counted");
        Report.Line("MB here is 2^20 bytes; RSS counts shared pages (libc, the executable's text) in every process that maps them");
        // No stem cells: waiting cells are idle environments too, but of no function; the count must be the functions'.
        await using var nimbus = await NimbusProcess.StartAsync(
            session.Location, cancellationToken, settings: new Dictionary<string, string> { ["NIMBUS_STEM_CELLS"] = "false" });
        using var http = HttpClients.CreateSigned(nimbus.BaseAddress);
        var lambda = new LambdaClient(http);
        var atStart = nimbus.ResidentBytes();

        // One function first, not counted: the server's one-time costs of its first create and invoke (JIT, pools)
        // are not per environment.
        await lambda.CreateNoOpAsync("memory-warmup", FunctionCode.Python, cancellationToken);
        await lambda.InvokeAsync("memory-warmup", BenchSession.Payload, tail: false, cancellationToken);
        await Task.Delay(s_settle, cancellationToken);
        var afterWarmup = nimbus.ResidentBytes();
        var existing = ProcFs.EnvironmentsOf(nimbus.Pid, nimbus.DataDir);

        for (var i = 0; i < Environments; i++)
        {
            await lambda.CreateNoOpAsync($"memory-{i:00}", FunctionCode.Python, cancellationToken);
        }

        // The server's baseline is taken once the functions exist: their records, code and the create path's JIT are
        // not an environment's cost (20 creations alone grew the server by ~8 MB on 2026-12-04).
        await Task.Delay(s_settle, cancellationToken);
        var before = nimbus.ResidentBytes();

        for (var i = 0; i < Environments; i++)
        {
            var result = await lambda.InvokeAsync($"memory-{i:00}", BenchSession.Payload, tail: false, cancellationToken);
            if (!result.Ok)
            {
                throw new InvalidOperationException($"Invoke memory-{i:00}: {result.StatusCode} {result.Body}");
            }
        }

        await Task.Delay(s_settle, cancellationToken);
        var after = nimbus.ResidentBytes();
        var found = ProcFs.EnvironmentsOf(nimbus.Pid, nimbus.DataDir).Except(existing);
        var inits = found.Inits;
        // nimbus-net serves every sandbox, the uncounted first function's too: all of it is charged to the 20.
        var shared = ProcFs.SharedNetworks(nimbus.Pid);
        var others = found.ContainerInits.Concat(found.Networks).Concat(shared).ToList();
        var initRss = inits.Select(pid => ProcFs.ResidentBytes(pid) ?? 0).ToList();
        var initPss = inits.Select(pid => ProcFs.ProportionalBytes(pid) ?? 0).ToList();
        var otherRss = others.Select(pid => ProcFs.ResidentBytes(pid) ?? 0).ToList();
        var otherPss = others.Select(pid => ProcFs.ProportionalBytes(pid) ?? 0).ToList();
        var initUss = inits.Select(pid => ProcFs.PrivateBytes(pid) ?? 0).ToList();
        var otherUss = others.Select(pid => ProcFs.PrivateBytes(pid) ?? 0).ToList();
        var runtimeRss = inits.SelectMany(ProcFs.Descendants).Select(pid => ProcFs.ResidentBytes(pid) ?? 0).ToList();
        // Without every environment's processes the figure would be too small: no verdict can pass then.
        var complete = inits.Count == Environments;
        if (!complete)
        {
            Report.Line($"error: {inits.Count} new nimbus-init or nimbus-idle processes found, expected {Environments}: the figure below is not a measurement");
        }

        var growth = after - before;
        var perEnvironment = (initRss.Sum() + otherRss.Sum() + growth) / (double)Environments;
        Report.Line($"server VmRSS: {Report.Mb(atStart)} at start, {Report.Mb(afterWarmup)} after the uncounted first function, {Report.Mb(before)} after creating {Environments} functions, {Report.Mb(after)} after invoking them: {Environments} environments (growth {Report.Mb(growth)}, {Report.Mb(growth / (double)Environments)} per environment)");
        Report.Line($"nimbus-init/nimbus-idle VmRSS: {inits.Count} processes, sum {Report.Mb(initRss.Sum())}, each {Report.Mb(initRss.DefaultIfEmpty().Min())}–{Report.Mb(initRss.DefaultIfEmpty().Max())}" +
            $" (Pss: sum {Report.Mb(initPss.Sum())}, average {Report.Mb(initPss.DefaultIfEmpty().Average())})");
        Report.Line($"runc only: {found.ContainerInits.Count} container inits (tini), {found.Networks.Count} slirp4netns and {shared.Count} nimbus-net (VmRSS {Report.Mb(shared.Sum(pid => ProcFs.ResidentBytes(pid) ?? 0))}, all counted), VmRSS sum {Report.Mb(otherRss.Sum())}" +
            $" ({Report.Mb(otherRss.Sum() / (double)Environments)} per environment; Pss sum {Report.Mb(otherPss.Sum())})");
        Report.Line($"for scale, not counted: the runtime processes (python3.11 + runtime client) hold {Report.Mb(runtimeRss.Sum())} VmRSS in all, " +
            $"{Report.Mb(runtimeRss.DefaultIfEmpty().Average())} each");
        Report.Line($"for comparison, not the target's definition: with Pss instead of VmRSS, {Report.Mb((initPss.Sum() + otherPss.Sum() + growth) / (double)Environments)} per environment");
        Report.Line($"for comparison, not the target's definition: with private pages only (USS: what one more environment costs the machine; VmRSS also counts the binaries' text every environment shares), " +
            $"{Report.Mb((initUss.Sum() + otherUss.Sum() + growth) / (double)Environments)} per environment (nimbus-init {Report.Mb(initUss.DefaultIfEmpty().Average())}, tini + network {Report.Mb(otherUss.Sum() / (double)Environments)})");
        session.Report.Add(new Verdict(
            "memory per idle warm environment (outside the runtime)",
            Report.Mb(perEnvironment),
            "no measured reference (absolute target)",
            $"{Report.Percent(perEnvironment / TargetBytes)} of target",
            $"≤ {Report.Mb(TargetBytes)}",
            complete && perEnvironment <= TargetBytes));
        session.Report.Add(new Verdict(
            "memory per idle warm environment (outside the runtime), issue \"Speed\"",
            Report.Mb(perEnvironment),
            "no measured reference (absolute target)",
            $"{Report.Percent(perEnvironment / SpeedTargetBytes)} of target",
            $"≤ {Report.Mb(SpeedTargetBytes)}",
            complete && perEnvironment <= SpeedTargetBytes));
    }
}
