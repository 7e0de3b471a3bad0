// SPDX-License-Identifier: Apache-2.0
using System.Diagnostics;
using System.Text.RegularExpressions;

namespace Nimbus.Bench;

/// <summary>
/// stemcells: cold starts under runc with the stem-cell pool (issue #14). (1) First invoke of a new no-op function
/// with a waiting cell of its runtime, against the bare interpreter's start (<c>python -c pass</c>, <c>node -e 0</c>,
/// same interpreters by their real paths) measured in the same run; (2) the same with the pool empty (the usual path);
/// (3) functions that set a variable read at the interpreter's start (PYTHONUNBUFFERED, NODE_OPTIONS=--enable-source-maps
/// as CDK's NodejsFunction sets it), which a runtime cell cannot serve, with a sandbox cell waiting, against the
/// interpreter's start with the same variable; (4) 100 concurrent first invokes of 100 functions, p99 at the client,
/// pool of 100 vs none.
/// </summary>
internal static partial class StemCellBenchmark
{
    private const int Runs = 10;
    private const int Burst = 100;
    private const string Python = "/root/.pyenv/versions/3.11.7/bin/python3.11";
    private const string Node = "/usr/bin/node";

    public static async Task RunAsync(BenchSession session, CancellationToken cancellationToken)
    {
        Report.Heading($"stemcells: runc, first invoke of a new no-op at 1769 MB, {Runs} functions per runtime; {Burst} concurrent first invokes");
        Report.Line("cold includes: signed HTTP Invoke, taking a cell (or the usual start: bundle, runc create, slirp4netns, runc start, nimbus-init, interpreter, runtime client), specialization (binds of code into the cell, cgroup limits, /tmp size, environment), handler import, one invocation, the response");
        Report.Line("not included: CreateFunction (the code is unpacked there) and the cell's own start, done ahead in the background");
        Report.Line("references: a process spawned from .NET until it exits: python -c pass, node -e 0 (same interpreters, real paths, without NODE_EXTRA_CA_CERTS: ReferenceStart)");
        var references = new Dictionary<string, List<double>> { [FunctionCode.Python] = [], [FunctionCode.Node] = [] };
        var warm = await ColdStartsAsync(session, pool: true, references, cancellationToken);
        var empty = await ColdStartsAsync(session, pool: false, null, cancellationToken);
        foreach (var runtime in (string[])[FunctionCode.Python, FunctionCode.Node])
        {
            var reference = Stats.Median(references[runtime]);
            var label = runtime == FunctionCode.Python ? "python -c pass" : "node -e 0";
            Report.Line($"{label}: median {Report.Ms(reference)} (min {Report.Ms(references[runtime].Min())}, max {Report.Ms(references[runtime].Max())})");
            var pooled = Stats.Median(warm[runtime].Cold);
            var usual = Stats.Median(empty[runtime].Cold);
            Report.Line($"{runtime} pool warm: median {Report.Ms(pooled)} (min {Report.Ms(warm[runtime].Cold.Min())}, max {Report.Ms(warm[runtime].Cold.Max())}), Init Duration median {Report.Ms(Stats.Median(warm[runtime].Init))}");
            Report.Line($"{runtime} pool empty: median {Report.Ms(usual)} (min {Report.Ms(empty[runtime].Cold.Min())}, max {Report.Ms(empty[runtime].Cold.Max())}), Init Duration median {Report.Ms(Stats.Median(empty[runtime].Init))}");
            session.Report.Add(new Verdict($"cold first invoke {runtime}, pool warm (median)", Report.Ms(pooled), $"{label} {Report.Ms(reference)}", Report.Times(pooled / reference), "≤ 20 ms and ≤ 0.50x", pooled <= 20 && pooled / reference <= 0.5));
            session.Report.Add(new Verdict($"cold first invoke {runtime}, pool empty (median)", Report.Ms(usual), $"{label} {Report.Ms(reference)}", Report.Times(usual / reference), $"≤ {label} + 25 ms", usual <= reference + 25));
        }

        await SandboxCellsAsync(session, cancellationToken);

        var withPool = await BurstAsync(session, pool: true, cancellationToken);
        var withoutPool = await BurstAsync(session, pool: false, cancellationToken);
        session.Report.Add(new Verdict($"{Burst} concurrent first invokes, p99, pool of {Burst}", Report.Ms(withPool), $"no pool {Report.Ms(withoutPool)}", Report.Times(withPool / withoutPool), "< 1.00x", withPool < withoutPool));
    }

    private static async Task<Dictionary<string, (List<double> Cold, List<double> Init)>> ColdStartsAsync(
        BenchSession session,
        bool pool,
        Dictionary<string, List<double>>? references,
        CancellationToken cancellationToken)
    {
        await using var nimbus = await NimbusProcess.StartAsync(session.Location, cancellationToken, "runc", settings: new Dictionary<string, string>
        {
            ["NIMBUS_STEM_CELL_RUNTIMES"] = $"{FunctionCode.Python},{FunctionCode.Node}",
            ["NIMBUS_STEM_CELLS_MINIMUM"] = pool ? "1" : "0",
            ["NIMBUS_STEM_CELLS_MAXIMUM"] = pool ? "1" : "0",
        });
        using var http = HttpClients.CreateSigned(nimbus.BaseAddress);
        var lambda = new LambdaClient(http);
        var wanted = pool ? 2 : 0;

        // The server's own first invokes JIT its paths: one uncounted function per runtime.
        var results = new Dictionary<string, (List<double> Cold, List<double> Init)>();
        foreach (var runtime in (string[])[FunctionCode.Python, FunctionCode.Node])
        {
            var tag = runtime == FunctionCode.Python ? "py" : "node";
            await lambda.CreateNoOpAsync($"sc-{tag}-warmup", runtime, cancellationToken, 1769);
            await WaitForCellsAsync(http, wanted, cancellationToken);
            await lambda.InvokeAsync($"sc-{tag}-warmup", BenchSession.Payload, tail: false, cancellationToken);
            var cold = new List<double>(Runs);
            var init = new List<double>(Runs);
            for (var i = 0; i < Runs; i++)
            {
                var name = $"sc-{tag}-{i:00}";
                await lambda.CreateNoOpAsync(name, runtime, cancellationToken, 1769);
                await WaitForCellsAsync(http, wanted, cancellationToken);

                // Once the pool is full again: while the last cold start's refill runs, a reference start shares the
                // CPU with it (until 2026-12-06 the references were taken then, ~10 ms slower).
                if (references is not null)
                {
                    references[runtime].Add(await ReferenceStart.TimeAsync(runtime == FunctionCode.Python ? Python : Node, runtime == FunctionCode.Python ? ["-c", "pass"] : ["-e", "0"], cancellationToken));
                }

                var start = Stopwatch.GetTimestamp();
                var result = await lambda.InvokeAsync(name, BenchSession.Payload, tail: true, cancellationToken);
                cold.Add(Stats.Milliseconds(start, Stopwatch.GetTimestamp()));
                if (!result.Ok)
                {
                    throw new InvalidOperationException($"Invoke {name}: {result.StatusCode} {result.Body}");
                }

                if (result.LogTail is { } log && InitDurationPattern().Match(log) is { Success: true } match)
                {
                    init.Add(double.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture));
                }
            }

            results[runtime] = (cold, init);
        }

        return results;
    }

    /// <summary>
    /// (3): a server with no runtime cells configured; each function sets a variable its interpreter reads at start, so
    /// its cold start takes a sandbox cell of its runtime (the first, uncounted, makes the runtime wanted).
    /// </summary>
    private static async Task SandboxCellsAsync(BenchSession session, CancellationToken cancellationToken)
    {
        await using var nimbus = await NimbusProcess.StartAsync(session.Location, cancellationToken, "runc", settings: new Dictionary<string, string>
        {
            ["NIMBUS_STEM_CELLS_MINIMUM"] = "1",
            ["NIMBUS_STEM_CELLS_MAXIMUM"] = "1",
        });
        using var http = HttpClients.CreateSigned(nimbus.BaseAddress);
        var lambda = new LambdaClient(http);
        foreach (var runtime in (string[])[FunctionCode.Python, FunctionCode.Node])
        {
            var python = runtime == FunctionCode.Python;
            var tag = python ? "py" : "node";
            var variables = python
                ? new Dictionary<string, string> { ["PYTHONUNBUFFERED"] = "1" }
                : new Dictionary<string, string> { ["NODE_OPTIONS"] = "--enable-source-maps" };
            await lambda.CreateNoOpAsync($"sb-{tag}-warmup", runtime, cancellationToken, 1769, variables: variables);
            await lambda.InvokeAsync($"sb-{tag}-warmup", BenchSession.Payload, tail: false, cancellationToken);
            var cold = new List<double>(Runs);
            var references = new List<double>(Runs);
            for (var i = 0; i < Runs; i++)
            {
                var name = $"sb-{tag}-{i:00}";
                await lambda.CreateNoOpAsync(name, runtime, cancellationToken, 1769, variables: variables);
                await WaitForCellsAsync(http, 1, cancellationToken, runtime, "sandbox");
                references.Add(python
                    ? await ReferenceStart.TimeAsync(Python, ["-u", "-c", "pass"], cancellationToken)
                    : await ReferenceStart.TimeAsync(Node, ["--enable-source-maps", "-e", "0"], cancellationToken));
                var start = Stopwatch.GetTimestamp();
                var result = await lambda.InvokeAsync(name, BenchSession.Payload, tail: false, cancellationToken);
                cold.Add(Stats.Milliseconds(start, Stopwatch.GetTimestamp()));
                if (!result.Ok)
                {
                    throw new InvalidOperationException($"Invoke {name}: {result.StatusCode} {result.Body}");
                }
            }

            var label = python ? "python -u -c pass" : "node --enable-source-maps -e 0";
            var reference = Stats.Median(references);
            var median = Stats.Median(cold);
            Report.Line($"{label}: median {Report.Ms(reference)}; {runtime} with {(python ? "PYTHONUNBUFFERED" : "NODE_OPTIONS")}, sandbox cell: median {Report.Ms(median)} (min {Report.Ms(cold.Min())}, max {Report.Ms(cold.Max())})");
            session.Report.Add(new Verdict($"cold first invoke {runtime} with a start-time variable, sandbox cell (median)", Report.Ms(median), $"{label} {Report.Ms(reference)}", Report.Times(median / reference), $"≤ {label} + 25 ms", median <= reference + 25));
        }
    }

    private static async Task<double> BurstAsync(BenchSession session, bool pool, CancellationToken cancellationToken)
    {
        await using var nimbus = await NimbusProcess.StartAsync(session.Location, cancellationToken, "runc", settings: new Dictionary<string, string>
        {
            ["NIMBUS_STEM_CELL_RUNTIMES"] = FunctionCode.Python,
            ["NIMBUS_STEM_CELLS_MINIMUM"] = pool ? Burst.ToString(System.Globalization.CultureInfo.InvariantCulture) : "0",
            ["NIMBUS_STEM_CELLS_MAXIMUM"] = pool ? Burst.ToString(System.Globalization.CultureInfo.InvariantCulture) : "0",
            ["NIMBUS_STEM_CELLS_MEMORY_MB"] = "8192",
        });
        using var http = HttpClients.CreateSigned(nimbus.BaseAddress);
        var lambda = new LambdaClient(http);
        await lambda.CreateNoOpAsync("burst-warmup", FunctionCode.Python, cancellationToken, 1769);
        await lambda.InvokeAsync("burst-warmup", BenchSession.Payload, tail: false, cancellationToken);
        for (var i = 0; i < Burst; i++)
        {
            await lambda.CreateNoOpAsync($"burst-{i:000}", FunctionCode.Python, cancellationToken, 1769);
        }

        var filled = Stopwatch.GetTimestamp();
        await WaitForCellsAsync(http, pool ? Burst : 0, cancellationToken);
        if (pool)
        {
            Report.Line($"pool of {Burst} python3.11 cells full {Report.Ms(Stats.Milliseconds(filled, Stopwatch.GetTimestamp()))} after the last CreateFunction");
        }

        var errors = 0;
        var latencies = await Task.WhenAll(Enumerable.Range(0, Burst).Select(async i =>
        {
            await Task.Yield();
            var start = Stopwatch.GetTimestamp();
            var result = await lambda.InvokeAsync($"burst-{i:000}", BenchSession.Payload, tail: false, cancellationToken);
            if (!result.Ok)
            {
                // A loaded machine can push a start past the function's 3 s timeout: counted, with its time.
                Interlocked.Increment(ref errors);
            }

            return Stats.Milliseconds(start, Stopwatch.GetTimestamp());
        }));
        Array.Sort(latencies);
        var p99 = Stats.Percentile(latencies, 0.99);
        Report.Line($"{Burst} concurrent first invokes, {(pool ? "pool" : "no pool")}: p50 {Report.Ms(Stats.Percentile(latencies, 0.5))}  p99 {Report.Ms(p99)}  max {Report.Ms(latencies[^1])}  errors {errors}");
        return p99;
    }

    /// <summary>
    /// Waits until at least <paramref name="count"/> stem cells (all runtimes and kinds together, or those of
    /// <paramref name="runtime"/> and <paramref name="kind"/>) wait in the server's pool, by
    /// its <c>nimbus_stem_cells</c> gauge: a cell counts once its runtime client is loaded and it is in the pool (a
    /// mount point, which an earlier version watched, exists from the container's creation, so a cold start could find
    /// the cell still starting).
    /// </summary>
    internal static async Task WaitForCellsAsync(HttpClient http, int count, CancellationToken cancellationToken, string? runtime = null, string? kind = null, int limitSeconds = 120)
    {
        var deadline = Stopwatch.GetTimestamp() + (Stopwatch.Frequency * limitSeconds);
        while (true)
        {
            var text = await http.GetStringAsync(new Uri("/metrics", UriKind.Relative), cancellationToken);
            var waiting = 0;
            foreach (Match sample in StemCellsGaugePattern().Matches(text))
            {
                if ((runtime is null || sample.Groups[1].Value.Contains($"runtime=\"{runtime}\"", StringComparison.Ordinal))
                    && (kind is null || sample.Groups[1].Value.Contains($"kind=\"{kind}\"", StringComparison.Ordinal)))
                {
                    waiting += int.Parse(sample.Groups[2].Value, System.Globalization.CultureInfo.InvariantCulture);
                }
            }

            if (waiting >= count)
            {
                return;
            }

            if (Stopwatch.GetTimestamp() > deadline)
            {
                throw new TimeoutException($"{waiting} of {count} stem cells waiting after {limitSeconds} s");
            }

            await Task.Delay(20, cancellationToken);
        }
    }

    [GeneratedRegex(@"^nimbus_stem_cells\{([^}]*)\} (\d+)$", RegexOptions.Multiline)]
    private static partial Regex StemCellsGaugePattern();

    [GeneratedRegex(@"Init Duration: ([0-9.]+) ms")]
    private static partial Regex InitDurationPattern();
}
