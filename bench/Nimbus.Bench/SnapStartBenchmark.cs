// SPDX-License-Identifier: Apache-2.0
using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Nimbus.Bench;

/// <summary>
/// snapstart: the first invoke of a new environment of a published python3.12 version whose init sleeps 1 s, with
/// SnapStart (the environment is forked from the version's template) and without (init runs), against
/// <c>python -c pass</c> of the same interpreter, in one run (issue #14's targets: ≤ 10 ms of Restore Duration, ≤ 20 ms
/// at the client). The process sandbox unless NIMBUS_BENCH_SANDBOX says runc (docs/cold-starts.md: under runc each
/// new environment is a container of its own into which the template's child enters). Each version is invoked 0.5 s after it became Active, when its spare environment is ready.
/// NIMBUS_BENCH_SNAPSTART_RUNTIME=java17 measures a java17 function whose static initializer sleeps 1 s instead (its
/// SnapStart is a pre-initialized spare: the first invoke takes the spare made at publishing), against
/// <c>java -version</c> with the function's JVM flags; each java version is deleted after its invoke, which ends its
/// refilled spare (a JVM each).
/// </summary>
internal static partial class SnapStartBenchmark
{
    private const int Runs = 10;
    private const int PlainRuns = 3;
    private const string Runtime = "python3.12";
    private const string Python = "/root/.pyenv/versions/3.12.1/bin/python3.12";
    private static readonly MediaTypeHeaderValue s_json = new("application/json");

    private const string App = """
        import time
        time.sleep(1)

        def handler(event, context):
            return "ok"
        """;

    public static async Task RunAsync(BenchSession session, CancellationToken cancellationToken)
    {
        if (Environment.GetEnvironmentVariable("NIMBUS_BENCH_SNAPSTART_RUNTIME") is "java17")
        {
            await RunJavaAsync(session, cancellationToken);
            return;
        }

        var sandbox = Environment.GetEnvironmentVariable("NIMBUS_BENCH_SANDBOX") is "runc" ? "runc" : "process";
        Report.Heading($"snapstart: {sandbox} sandbox, first invoke of a new environment of a published {Runtime} version whose init sleeps 1 s; {Runs} versions with SnapStart, {PlainRuns} without");
        Report.Line("client figure includes: signed HTTP Invoke, nimbus-init's request to the template (in the version's spare environment, prepared after the template), the fork (under runc: entering the spare container's namespaces, a second fork, the lockdown, the move into its cgroup), after-restore work (environment, random seed, hooks), one invocation, the response");
        Report.Line("each version is invoked 0.5 s after it became Active (a published version is seldom invoked in the same millisecond; its spare is ready by then)");
        Report.Line("not included: PublishVersion and the template's init (done when the version is published)");
        Report.Line($"reference: {Python} -c pass, spawned from .NET until it exits");
        Report.Line($"load average at start: {(await File.ReadAllTextAsync("/proc/loadavg", cancellationToken)).Trim()}");
        await using var nimbus = await NimbusProcess.StartAsync(session.Location, cancellationToken, sandbox);
        using var http = HttpClients.CreateSigned(nimbus.BaseAddress);
        var lambda = new LambdaClient(http);
        var zip = FunctionCode.Zip(("app.py", App, 0b110_100_100));
        await lambda.CreateAsync("snap-on", Runtime, "app.handler", zip, cancellationToken);
        await lambda.CreateAsync("snap-off", Runtime, "app.handler", zip, cancellationToken);
        await SendAsync(http, HttpMethod.Put, "/2015-03-31/functions/snap-on/configuration", new JsonObject { ["SnapStart"] = new JsonObject { ["ApplyOn"] = "PublishedVersions" } }, cancellationToken);

        // One uncounted version of each: the server's first invokes JIT-compile its paths.
        await FirstInvokeAsync(lambda, http, "snap-on", 0, cancellationToken);
        await FirstInvokeAsync(lambda, http, "snap-off", 0, cancellationToken);
        var references = new List<double>();
        var restored = new List<(double Client, double Restore)>();
        for (var i = 1; i <= Runs; i++)
        {
            references.Add(await ReferenceStart.TimeAsync(Python, ["-c", "pass"], cancellationToken));
            restored.Add(await FirstInvokeAsync(lambda, http, "snap-on", i, cancellationToken));
        }

        var plain = new List<(double Client, double Init)>();
        for (var i = 1; i <= PlainRuns; i++)
        {
            plain.Add(await FirstInvokeAsync(lambda, http, "snap-off", i, cancellationToken));
        }

        var reference = Stats.Median(references);
        var client = Stats.Median([.. restored.Select(r => r.Client)]);
        var restore = Stats.Median([.. restored.Select(r => r.Restore)]);
        var plainClient = Stats.Median([.. plain.Select(p => p.Client)]);
        Report.Line($"python -c pass: median {Report.Ms(reference)} (min {Report.Ms(references.Min())}, max {Report.Ms(references.Max())})");
        Report.Line($"SnapStart first invoke (client): median {Report.Ms(client)} (min {Report.Ms(restored.Min(r => r.Client))}, max {Report.Ms(restored.Max(r => r.Client))}); Restore Duration median {Report.Ms(restore)} (min {Report.Ms(restored.Min(r => r.Restore))}, max {Report.Ms(restored.Max(r => r.Restore))})");
        Report.Line($"without SnapStart (client): median {Report.Ms(plainClient)}; Init Duration median {Report.Ms(Stats.Median([.. plain.Select(p => p.Init)]))}");
        Report.Line("each SnapStart run, ms (client / Restore Duration): " + string.Join("  ", restored.Select(r => $"{Report.Number(r.Client, "0.0")}/{Report.Number(r.Restore, "0.0")}")));
        Report.Line($"load average at the end: {(await File.ReadAllTextAsync("/proc/loadavg", cancellationToken)).Trim()}");
        session.Report.Add(new Verdict("SnapStart Restore Duration (REPORT, median)", Report.Ms(restore), $"python -c pass {Report.Ms(reference)}", Report.Times(restore / reference), "≤ 10 ms", restore <= 10));
        session.Report.Add(new Verdict("SnapStart first invoke at the client (median)", Report.Ms(client), $"no SnapStart {Report.Ms(plainClient)}", Report.Times(client / plainClient), $"≤ 20 ms ({Report.Times(client / reference)} python -c pass)", client <= 20));
    }

    /// <summary>Publishes a new version of <paramref name="name"/> and times its first invoke; the REPORT's Restore or Init Duration.</summary>
    private static async Task<(double Client, double Duration)> FirstInvokeAsync(LambdaClient lambda, HttpClient http, string name, int run, CancellationToken cancellationToken)
    {
        // A version differs from the last one by a variable, so each publish makes a new version (and snapshot).
        await SendAsync(http, HttpMethod.Put, $"/2015-03-31/functions/{name}/configuration", new JsonObject { ["Environment"] = new JsonObject { ["Variables"] = new JsonObject { ["RUN"] = run.ToString(CultureInfo.InvariantCulture) } } }, cancellationToken);
        await WaitAsync(http, $"/2015-03-31/functions/{name}/configuration", "LastUpdateStatus", "Successful", cancellationToken);
        var published = await SendAsync(http, HttpMethod.Post, $"/2015-03-31/functions/{name}/versions", [], cancellationToken);
        var version = JsonDocument.Parse(published).RootElement.GetProperty("Version").GetString();
        await WaitAsync(http, $"/2015-03-31/functions/{name}/configuration?Qualifier={version}", "State", "Active", cancellationToken);
        await Task.Delay(TimeSpan.FromMilliseconds(500), cancellationToken);
        var start = Stopwatch.GetTimestamp();
        var result = await lambda.InvokeAsync($"{name}:{version}", BenchSession.Payload, tail: true, cancellationToken);
        var elapsed = Stats.Milliseconds(start, Stopwatch.GetTimestamp());
        if (!result.Ok || result.LogTail is null || DurationPattern().Match(result.LogTail) is not { Success: true } match)
        {
            throw new InvalidOperationException($"Invoke {name}:{version}: {result.StatusCode} {result.Body} {result.LogTail}");
        }

        return (elapsed, double.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture));
    }

    private static async Task<string> SendAsync(HttpClient http, HttpMethod method, string path, JsonObject body, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(method, new Uri(path, UriKind.Relative)) { Content = new StringContent(body.ToJsonString(), Encoding.UTF8, s_json) };
        using var response = await http.SendAsync(request, cancellationToken);
        var text = await response.Content.ReadAsStringAsync(cancellationToken);
        return response.IsSuccessStatusCode ? text : throw new InvalidOperationException($"{method} {path}: {(int)response.StatusCode} {text}");
    }

    private static async Task WaitAsync(HttpClient http, string path, string field, string wanted, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        while (true)
        {
            var json = await http.GetStringAsync(new Uri(path, UriKind.Relative), cancellationToken);
            var value = JsonDocument.Parse(json).RootElement.TryGetProperty(field, out var found) ? found.GetString() : null;
            if (value == wanted)
            {
                return;
            }

            if (value == "Failed" || Stopwatch.GetElapsedTime(started) > TimeSpan.FromMinutes(2))
            {
                throw new InvalidOperationException($"{path}: {field} is not {wanted}: {json}");
            }

            await Task.Delay(TimeSpan.FromMilliseconds(10), cancellationToken);
        }
    }

    [GeneratedRegex(@"(?:Restore|Init) Duration: ([0-9.]+) ms")]
    private static partial Regex DurationPattern();
}
