// SPDX-License-Identifier: Apache-2.0
using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;

namespace Nimbus.Bench;

/// <summary>
/// cold: the first Invoke of a function just created (Python no-op), timed by the client, with the Init Duration
/// from its REPORT line; against <c>python -c pass</c> of the same interpreter. Target (issue #3): cold first-invoke
/// ≤ python -c pass + 25 ms.
/// </summary>
internal static partial class ColdBenchmark
{
    private const int Iterations = 10;
    private const double TargetSlackMs = 25;

    public static async Task RunAsync(BenchSession session, CancellationToken cancellationToken)
    {
        Report.Heading($"cold: first invoke of a new {FunctionCode.Python} no-op function, {Iterations} functions");
        Report.Line("cold figure includes: HTTP request, sandbox start, nimbus-init start, interpreter start, runtime client import, handler import, one invocation");
        Report.Line("Init Duration (REPORT line via X-Amz-Log-Type: Tail) covers the environment's init phase as Nimbus measures it");
        Report.Line("reference includes: interpreter start with site imports (python -c pass, same interpreter by its real path, process spawn from .NET)");
        var python = FindPython();
        await using var nimbus = await NimbusProcess.StartAsync(session.Location, cancellationToken);
        using var http = HttpClients.CreateSigned(nimbus.BaseAddress);
        var lambda = new LambdaClient(http);

        // The server's own first Invoke pays for JIT-compiling its invoke path once; that is not a cold start of a
        // function, so one function goes first, unmeasured.
        await lambda.CreateNoOpAsync("cold-warmup", FunctionCode.Python, cancellationToken);
        var first = Stopwatch.GetTimestamp();
        await lambda.InvokeAsync("cold-warmup", BenchSession.Payload, tail: false, cancellationToken);
        Report.Line($"first invoke on the fresh server (server JIT warm-up, not counted): {Report.Ms(Stats.Milliseconds(first, Stopwatch.GetTimestamp()))}");
        if (RuntimeInterpreter(nimbus.Pid) is { } used && used != python)
        {
            Report.Line($"note: the environment runs {used}, the reference runs {python}");
        }

        await ReferenceStart.TimeAsync(python, ["-c", "pass"], cancellationToken);
        var cold = new List<double>();
        var init = new List<double>();
        var reference = new List<double>();
        for (var i = 0; i < Iterations; i++)
        {
            reference.Add(await ReferenceStart.TimeAsync(python, ["-c", "pass"], cancellationToken));

            var name = $"cold-{i:00}";
            await lambda.CreateNoOpAsync(name, FunctionCode.Python, cancellationToken);
            var start = Stopwatch.GetTimestamp();
            var result = await lambda.InvokeAsync(name, BenchSession.Payload, tail: true, cancellationToken);
            var elapsed = Stats.Milliseconds(start, Stopwatch.GetTimestamp());
            if (!result.Ok)
            {
                throw new InvalidOperationException($"Invoke {name}: {result.StatusCode} {result.Body}");
            }

            cold.Add(elapsed);
            var match = result.LogTail is null ? null : InitDurationPattern().Match(result.LogTail);
            if (match is { Success: true })
            {
                init.Add(double.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture));
            }
        }

        Report.Line($"python -c pass  ({python}): median {Report.Ms(Stats.Median(reference))}  min {Report.Ms(reference.Min())}  max {Report.Ms(reference.Max())}");
        Report.Line($"cold first invoke (client): median {Report.Ms(Stats.Median(cold))}  min {Report.Ms(cold.Min())}  max {Report.Ms(cold.Max())}");
        Report.Line(init.Count == cold.Count
            ? $"Init Duration (REPORT):     median {Report.Ms(Stats.Median(init))}  min {Report.Ms(init.Min())}  max {Report.Ms(init.Max())}"
            : $"Init Duration (REPORT): found in {init.Count} of {cold.Count} log tails");
        Report.Line("each run, ms (cold / Init Duration / python -c pass): " + string.Join("  ", cold.Select((c, i) =>
            $"{Report.Number(c, "0.0")}/{(i < init.Count ? Report.Number(init[i], "0.0") : "-")}/{Report.Number(reference[i], "0.0")}")));

        var coldMedian = Stats.Median(cold);
        var referenceMedian = Stats.Median(reference);
        session.Report.Add(new Verdict(
            "cold first invoke python3.11 (median)",
            Report.Ms(coldMedian),
            $"python -c pass {Report.Ms(referenceMedian)}",
            $"{Report.Times(coldMedian / referenceMedian)} (+{Report.Ms(coldMedian - referenceMedian)})",
            $"≤ python -c pass + {Report.Number(TargetSlackMs)} ms = {Report.Ms(referenceMedian + TargetSlackMs)}",
            coldMedian <= referenceMedian + TargetSlackMs));
    }

    /// <summary>The interpreter the server runs for python3.11: pyenv's 3.11.x by its real path (not the shim).</summary>
    private static string FindPython()
    {
        const string versions = "/root/.pyenv/versions";
        var candidates = Directory.Exists(versions)
            ? Directory.GetDirectories(versions, "3.11.*").Select(d => Path.Combine(d, "bin", "python3.11")).Where(File.Exists).Order(StringComparer.Ordinal).ToList()
            : [];
        if (candidates.Count > 0)
        {
            return candidates[^1];
        }

        foreach (var dir in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries))
        {
            var path = Path.Combine(dir, "python3.11");
            if (File.Exists(path) && !dir.Contains("shims", StringComparison.Ordinal))
            {
                return new FileInfo(path).ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? path;
            }
        }

        throw new FileNotFoundException("python3.11 not found (/root/.pyenv/versions/3.11.*/bin/python3.11 or PATH)");
    }

    /// <summary>The executable of the Python runtime process under one of the server's environments, if any.</summary>
    private static string? RuntimeInterpreter(int serverPid) =>
        ProcFs.Descendants(serverPid).Select(ProcFs.Executable).FirstOrDefault(exe => exe?.Contains("python", StringComparison.Ordinal) == true);

    [GeneratedRegex(@"Init Duration: ([0-9.]+) ms")]
    private static partial Regex InitDurationPattern();
}
