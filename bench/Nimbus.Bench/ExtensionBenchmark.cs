// SPDX-License-Identifier: Apache-2.0
using System.Diagnostics;
using System.Text;
using System.Text.Json;

namespace Nimbus.Bench;

/// <summary>
/// extensions: (1) warm invoke of a Python no-op function with one no-op external extension registered for INVOKE
/// against the same function without it, in the same run, after 12,000 unmeasured requests that warm the server, 5 rounds in
/// alternation (the first series turning), median of the rounds' p50 ratios (target:
/// p50 ≤ +15%); the extension once in C (<see cref="CompiledExtension"/>: what Nimbus adds) and once in Python (plus
/// the interpreter's own round trip per event); (2) one invocation that prints 10,000
/// lines, delivered by the Telemetry API to an extension that writes them to /tmp: all delivered, in order, and how
/// long after the invocation's answer the last one arrived, beside that invocation's own time.
/// </summary>
internal static class ExtensionBenchmark
{
    private const int WarmUp = 200;
    private const int Count = 1000;
    private const int Lines = 10_000;
    private const double TargetRatio = 1.15;

    /// <summary>Registers for INVOKE and asks for the next event at once: the cheapest possible extension.</summary>
    private const string NoOpExtension = """
        #!/usr/bin/env python3
        import http.client, json, os
        api = http.client.HTTPConnection(os.environ["AWS_LAMBDA_RUNTIME_API"])
        api.request("POST", "/2020-01-01/extension/register", json.dumps({"events": ["INVOKE"]}), {"Lambda-Extension-Name": "noop"})
        answer = api.getresponse(); answer.read()
        headers = {"Lambda-Extension-Identifier": answer.getheader("Lambda-Extension-Identifier")}
        while True:
            api.request("GET", "/2020-01-01/extension/event/next", headers=headers)
            api.getresponse().read()
        """;

    /// <summary>Subscribes to the function's lines and appends each batch's records to /tmp/telemetry.jsonl.</summary>
    private const string SinkExtension = """
        #!/usr/bin/env python3
        import http.client, http.server, json, os, threading
        TMP = os.environ.get("TMPDIR", "/tmp")
        class Sink(http.server.BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                with open(os.path.join(TMP, "telemetry.jsonl"), "a") as f:
                    for record in json.loads(body):
                        f.write(json.dumps(record) + "\n")
                self.send_response(200); self.end_headers()
            def log_message(self, *args):
                pass
        server = http.server.HTTPServer(("127.0.0.1", 0), Sink)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        api = http.client.HTTPConnection(os.environ["AWS_LAMBDA_RUNTIME_API"])
        api.request("POST", "/2020-01-01/extension/register", json.dumps({"events": ["INVOKE"]}), {"Lambda-Extension-Name": "sink"})
        answer = api.getresponse(); answer.read()
        headers = {"Lambda-Extension-Identifier": answer.getheader("Lambda-Extension-Identifier")}
        subscription = {"schemaVersion": "2022-12-13", "types": ["function"], "buffering": {"maxItems": 10000, "maxBytes": 1048576, "timeoutMs": 25},
                        "destination": {"protocol": "HTTP", "URI": "http://sandbox.localdomain:%d/" % server.server_address[1]}}
        api.request("PUT", "/2022-07-01/telemetry", json.dumps(subscription), headers)
        api.getresponse().read()
        while True:
            api.request("GET", "/2020-01-01/extension/event/next", headers=headers)
            api.getresponse().read()
        """;

    /// <summary>Prints N lines; or waits until the last one was delivered and says whether all came, in order.</summary>
    private const string Function = """
        import json, os, time
        TMP = os.environ.get("TMPDIR", "/tmp")
        def handler(event, context):
            if "print" in event:
                for i in range(event["print"]):
                    print("line", i)
                return {"printed": event["print"]}
            path = os.path.join(TMP, "telemetry.jsonl")
            last = '"record": "line %d"' % (event["check"] - 1)
            start = time.monotonic()
            while time.monotonic() - start < 60:
                if os.path.exists(path) and last in open(path).read():
                    break
                time.sleep(0.001)
            waited = (time.monotonic() - start) * 1000
            records = [json.loads(l) for l in open(path)] if os.path.exists(path) else []
            numbers = [int(r["record"][5:]) for r in records if r["type"] == "function" and r["record"].startswith("line ")]
            return {"waitedMs": waited, "count": len(numbers), "inOrder": numbers == list(range(event["check"]))}
        """;

    public static async Task RunAsync(BenchSession session, CancellationToken cancellationToken)
    {
        Report.Heading($"extensions: warm invoke with one no-op INVOKE extension vs none ({Count} requests after {WarmUp} warm-up each, alternating); telemetry of {Lines} lines from one invoke");
        await using var nimbus = await NimbusProcess.StartAsync(session.Location, cancellationToken);
        using var http = HttpClients.CreateSigned(nimbus.BaseAddress);
        var lambda = new LambdaClient(http);

        var noOp = await lambda.PublishLayerAsync("bench-noop-extension", FunctionCode.Zip(("extensions/noop", Dedent(NoOpExtension), 0x1ED)), cancellationToken);
        await lambda.CreateNoOpAsync("ext-none", FunctionCode.Python, cancellationToken);
        await lambda.CreateNoOpAsync("ext-py", FunctionCode.Python, cancellationToken, layers: [noOp]);
        var (compiled, why) = await CompiledExtension.BuildAsync(cancellationToken);
        var names = new List<string> { "ext-none", "ext-py" };
        if (compiled is not null)
        {
            var compiledLayer = await lambda.PublishLayerAsync("bench-noop-c-extension", FunctionCode.Zip("extensions/noop", compiled, 0x1ED), cancellationToken);
            await lambda.CreateNoOpAsync("ext-c", FunctionCode.Python, cancellationToken, layers: [compiledLayer]);
            names.Add("ext-c");
        }
        else
        {
            Report.Line($"the compiled no-op extension is left out: {why}");
        }

        // The server itself warms up first (tiered JIT of the invoke path), unmeasured, on every function in turn.
        for (var i = 0; i < 4; i++)
        {
            foreach (var name in names)
            {
                await LoadRunner.SequentialAsync(new PostTarget(name, http, BenchSession.InvokePath(name), BenchSession.Payload), 0, 1000, cancellationToken);
            }
        }

        var p50s = new Dictionary<string, List<double>>();
        var errors = 0;
        for (var round = 0; round < 5; round++)
        {
            // Which series goes first turns each round: the first one of a round meets the server least warmed up.
            for (var k = 0; k < names.Count; k++)
            {
                var name = names[(k + round) % names.Count];
                var sample = await LoadRunner.SequentialAsync(new PostTarget(name, http, BenchSession.InvokePath(name), BenchSession.Payload), WarmUp, Count / 2, cancellationToken);
                (p50s.TryGetValue(name, out var list) ? list : p50s[name] = []).Add(sample.P50);
                errors += sample.Errors;
                Report.Line($"{name,-9} p50 {Report.Ms(sample.P50)}  p99 {Report.Ms(sample.P99)}  errors {sample.Errors}");
            }
        }

        // The server is still warming up over the rounds (its p50s fall round by round): each round's ratio compares
        // series measured next to each other, and the figure is the median of those.
        var nonePart = Stats.Median(p50s["ext-none"]);
        foreach (var (name, label) in (ReadOnlySpan<(string, string)>)[("ext-c", "C"), ("ext-py", "Python")])
        {
            if (!p50s.TryGetValue(name, out var withExtension))
            {
                continue;
            }

            var ratios = new List<double>(withExtension.Count);
            for (var i = 0; i < withExtension.Count; i++)
            {
                ratios.Add(withExtension[i] / p50s["ext-none"][i]);
            }

            var ratio = Stats.Median(ratios);
            Report.Line($"one no-op extension in {label} / none, per round: {string.Join(", ", ratios.ConvertAll(r => Report.Times(r)))}; median {Report.Times(ratio)}"
                + (label == "Python" ? " (the interpreter's http.client round trip per event included)" : " (what Nimbus adds)"));
            session.Report.Add(new Verdict(
                $"warm p50 with one no-op INVOKE extension ({label})",
                Report.Ms(Stats.Median(withExtension)),
                $"no extension {Report.Ms(nonePart)}",
                Report.Times(ratio),
                $"≤ {Report.Times(TargetRatio)} no extension",
                ratio <= TargetRatio && errors == 0));
        }

        var sink = await lambda.PublishLayerAsync("bench-sink-extension", FunctionCode.Zip(("extensions/sink", Dedent(SinkExtension), 0x1ED)), cancellationToken);
        var code = (FunctionCode.Zip(("app.py", Dedent(Function), 0x1A4)), "app.handler");
        await lambda.CreateNoOpAsync("ext-lines", FunctionCode.Python, cancellationToken, layers: [sink], code: code);
        await lambda.CreateNoOpAsync("ext-lines-none", FunctionCode.Python, cancellationToken, code: code);
        var printPayload = Encoding.UTF8.GetBytes($$"""{"print":{{Lines}}}""");
        await lambda.InvokeAsync("ext-lines-none", printPayload, tail: false, cancellationToken);
        var reference = Stopwatch.GetTimestamp();
        await lambda.InvokeAsync("ext-lines-none", printPayload, tail: false, cancellationToken);
        var referenceMs = Stats.Milliseconds(reference, Stopwatch.GetTimestamp());
        await lambda.InvokeAsync("ext-lines", Encoding.UTF8.GetBytes("""{"print":0}"""), tail: false, cancellationToken);
        var start = Stopwatch.GetTimestamp();
        var printed = await lambda.InvokeAsync("ext-lines", printPayload, tail: false, cancellationToken);
        var printMs = Stats.Milliseconds(start, Stopwatch.GetTimestamp());
        var check = await lambda.InvokeAsync("ext-lines", Encoding.UTF8.GetBytes($$"""{"check":{{Lines}}}"""), tail: false, cancellationToken);
        var deliveredMs = Stats.Milliseconds(start, Stopwatch.GetTimestamp());
        using var answer = JsonDocument.Parse(check.Body);
        var count = answer.RootElement.TryGetProperty("count", out var c) ? c.GetInt32() : -1;
        var inOrder = count == Lines && answer.RootElement.GetProperty("inOrder").GetBoolean();
        Report.Line($"invoke printing {Lines} lines: {Report.Ms(printMs)} with the subscriber, {Report.Ms(referenceMs)} without any extension");
        Report.Line($"all {Lines} delivered {Report.Ms(deliveredMs)} after the invoke began; delivered {count}, answer {check.Body}");
        session.Report.Add(new Verdict(
            $"telemetry: {Lines} lines of one invoke delivered",
            Report.Ms(deliveredMs),
            $"the invoke without extensions {Report.Ms(referenceMs)}",
            Report.Times(deliveredMs / referenceMs),
            "all delivered, in order",
            printed.Ok && inOrder));
    }

    private static string Dedent(string text) => text.Replace("\r", "", StringComparison.Ordinal) + "\n";
}
