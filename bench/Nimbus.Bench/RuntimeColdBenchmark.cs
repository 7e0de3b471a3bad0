// SPDX-License-Identifier: Apache-2.0
using System.Diagnostics;
using System.Globalization;
using System.IO.Compression;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Nimbus.Bench;

/// <summary>
/// runtimes: the first Invoke of new java17 and nodejs22.x no-op functions against the bare start of the same runtime,
/// measured in the same run: <c>java -version</c> of the same JDK with the JVM flags the function gets, and
/// <c>node -e 0</c> of the very node binary Nimbus fetched from the npm registry. Target (issue 15): cold first invoke
/// ≤ bare start + 25 ms; Java's Init Duration beside AWS's published java17 Init Durations (lambda-perf: 185–272 ms).
/// </summary>
internal static partial class RuntimeColdBenchmark
{
    internal const string JavaNoOpHandler = "NoOp::handle";

    private const int Iterations = 8;
    private const int MemorySize = 1769; // one vCPU: the invocation after init runs unthrottled, as the bare start does
    private const double TargetSlackMs = 25;

    public static async Task RunAsync(BenchSession session, CancellationToken cancellationToken)
    {
        Report.Heading($"runtimes: first invoke of new java17 and nodejs22.x no-op functions ({MemorySize} MB), {Iterations} functions each");
        Report.Line("cold figure includes: HTTP request, sandbox start, nimbus-init start, runtime start (JVM + Nimbus's Java client, or node + index.cjs), handler load, one invocation; with the server's default stem-cell pool, the sandbox (java17) or sandbox and runtime (nodejs22.x) started ahead when a cell waited");
        // One stem cell per runtime at most: with the default maximum the pool keeps making cells as demand grows (a
        // cold start per iteration), and a reference start would share the CPU with them.
        await using var nimbus = await NimbusProcess.StartAsync(session.Location, cancellationToken, settings: new Dictionary<string, string> { ["NIMBUS_STEM_CELLS_MAXIMUM"] = "1" });
        using var http = HttpClients.CreateSigned(nimbus.BaseAddress);
        var lambda = new LambdaClient(http);
        var javaClasses = CompileNoOp();
        try
        {
            // Unmeasured first functions: the server's JIT warm-up, the Java client's compilation, Node 22's download.
            foreach (var (name, runtime) in new[] { ("warm-java", "java17"), ("warm-node", "nodejs22.x") })
            {
                var first = Stopwatch.GetTimestamp();
                await CreateAsync(http, lambda, name, runtime, javaClasses, cancellationToken);
                await lambda.InvokeAsync(name, BenchSession.Payload, tail: false, cancellationToken);
                Report.Line($"{runtime}: first create + invoke on the fresh server (JIT, client compile or npm fetch; not counted): {Report.Ms(Stats.Milliseconds(first, Stopwatch.GetTimestamp()))}");
            }

            var java = JavaOf();
            string[] javaBare = ["-XX:+TieredCompilation", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xshare:auto", "-version"];
            var node = Directory.GetDirectories(Path.Combine(nimbus.DataDirectory, "runtimes"), "node-linux-*-22.*").Select(d => Path.Combine(d, "bin", "node")).Single();
            await MeasureAsync(session, http, lambda, "java17", javaClasses, java, javaBare, $"{java} -version (same flags)", awsInit: true, cancellationToken);
            await MeasureAsync(session, http, lambda, "nodejs22.x", javaClasses, node, ["-e", "0"], $"{node} -e 0 (the fetched binary)", awsInit: false, cancellationToken);
        }
        finally
        {
            Directory.Delete(javaClasses, recursive: true);
        }
    }

    private static async Task MeasureAsync(
        BenchSession session, HttpClient http, LambdaClient lambda, string runtime, string javaClasses, string bare, string[] bareArguments, string bareName, bool awsInit, CancellationToken cancellationToken)
    {
        var cold = new List<double>();
        var init = new List<double>();
        var reference = new List<double>();
        var withCell = 0;
        await ReferenceStart.TimeAsync(bare, bareArguments, cancellationToken);
        for (var i = 0; i < Iterations; i++)
        {
            var name = $"cold-{runtime.Replace(".", "", StringComparison.Ordinal)}-{i:00}";
            await CreateAsync(http, lambda, name, runtime, javaClasses, cancellationToken);

            // The server's default stem-cell pool (a sandbox cell for java17, a runtime cell for nodejs22.x, wanted
            // since the warm-up): wait until the last cold start's refill is done, so that neither the reference nor
            // the invoke shares the CPU with it (StemCells=false: none comes, and the wait gives up after 5 s).
            try
            {
                await StemCellBenchmark.WaitForCellsAsync(http, 1, cancellationToken, runtime, limitSeconds: 5);
                withCell++;
            }
            catch (TimeoutException)
            {
            }

            reference.Add(await ReferenceStart.TimeAsync(bare, bareArguments, cancellationToken));
            var start = Stopwatch.GetTimestamp();
            var result = await lambda.InvokeAsync(name, BenchSession.Payload, tail: true, cancellationToken);
            var elapsed = Stats.Milliseconds(start, Stopwatch.GetTimestamp());
            if (!result.Ok)
            {
                throw new InvalidOperationException($"Invoke {name}: {result.StatusCode} {result.Body}");
            }

            cold.Add(elapsed);
            if (result.LogTail is { } tail && InitDurationPattern().Match(tail) is { Success: true } match)
            {
                init.Add(double.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture));
            }
        }

        var coldMedian = Stats.Median(cold);
        var referenceMedian = Stats.Median(reference);
        Report.Line($"{bareName}: median {Report.Ms(referenceMedian)}  min {Report.Ms(reference.Min())}  max {Report.Ms(reference.Max())}");
        Report.Line($"{runtime} cold first invoke (client): median {Report.Ms(coldMedian)}  min {Report.Ms(cold.Min())}  max {Report.Ms(cold.Max())}; a stem cell of the runtime waited before {withCell} of {Iterations}");
        if (init.Count > 0)
        {
            Report.Line($"{runtime} Init Duration (REPORT): median {Report.Ms(Stats.Median(init))}  min {Report.Ms(init.Min())}  max {Report.Ms(init.Max())}");
        }

        session.Report.Add(new Verdict(
            $"cold first invoke {runtime} (median)",
            Report.Ms(coldMedian),
            $"bare start {Report.Ms(referenceMedian)}",
            $"{Report.Times(coldMedian / referenceMedian)} (+{Report.Ms(coldMedian - referenceMedian)})",
            $"≤ bare + {Report.Number(TargetSlackMs)} ms = {Report.Ms(referenceMedian + TargetSlackMs)}",
            coldMedian <= referenceMedian + TargetSlackMs));
        if (awsInit && init.Count > 0)
        {
            // lambda-perf's published java17 Init Durations (stated, not measured here).
            var initMedian = Stats.Median(init);
            session.Report.Add(new Verdict(
                $"Init Duration {runtime} (median)",
                Report.Ms(initMedian),
                "AWS java17 185–272 ms (lambda-perf, stated)",
                $"{Report.Times(initMedian / 185)} of 185 ms, {Report.Times(initMedian / 272)} of 272 ms",
                "≤ 272 ms",
                initMedian <= 272));
        }
    }

    private static async Task CreateAsync(HttpClient http, LambdaClient lambda, string name, string runtime, string javaClasses, CancellationToken cancellationToken)
    {
        if (runtime != "java17")
        {
            var zip = Zip(new() { ["index.mjs"] = Encoding.UTF8.GetBytes($"// {name}\nexport const handler = async () => null;\n") });
            await PostAsync(http, name, runtime, "index.handler", zip, cancellationToken);
        }
        else
        {
            await PostAsync(http, name, runtime, JavaNoOpHandler, JavaNoOpZip(javaClasses, name), cancellationToken);
        }

        await lambda.WaitActiveAsync(name, cancellationToken);
    }

    private static async Task PostAsync(HttpClient http, string name, string runtime, string handler, byte[] zip, CancellationToken cancellationToken)
    {
        var request = new JsonObject
        {
            ["FunctionName"] = name,
            ["Runtime"] = runtime,
            ["Role"] = "arn:aws:iam::000000000000:role/r",
            ["Handler"] = handler,
            ["MemorySize"] = MemorySize,
            ["Code"] = new JsonObject { ["ZipFile"] = Convert.ToBase64String(zip) },
        };
        using var content = new StringContent(request.ToJsonString(), Encoding.UTF8, "application/json");
        using var response = await http.PostAsync(new Uri("/2015-03-31/functions", UriKind.Relative), content, cancellationToken);
        if ((int)response.StatusCode != 201)
        {
            throw new InvalidOperationException($"CreateFunction {name}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync(cancellationToken)}");
        }
    }

    private static byte[] Zip(Dictionary<string, byte[]> files)
    {
        using var buffer = new MemoryStream();
        using (var zip = new ZipArchive(buffer, ZipArchiveMode.Create, leaveOpen: true))
        {
            foreach (var (name, content) in files)
            {
                var entry = zip.CreateEntry(name);
                entry.ExternalAttributes = Convert.ToInt32("100644", 8) << 16;
                using var stream = entry.Open();
                stream.Write(content);
            }
        }

        return buffer.ToArray();
    }

    /// <summary>The no-op's classes (<see cref="CompileNoOp"/>) as a function's zip, with a marker file of its own.</summary>
    internal static byte[] JavaNoOpZip(string javaClasses, string marker)
    {
        var files = new Dictionary<string, byte[]> { ["marker.txt"] = Encoding.UTF8.GetBytes(marker) };
        foreach (var file in Directory.GetFiles(javaClasses, "*.class"))
        {
            files[Path.GetFileName(file)] = File.ReadAllBytes(file);
        }

        return Zip(files);
    }

    /// <summary>Compiles the no-op handler (default package, static method) with the host's javac; returns the class directory.</summary>
    internal static string CompileNoOp()
    {
        var directory = Directory.CreateTempSubdirectory("nb-java-").FullName;
        var source = Path.Combine(directory, "NoOp.java");
        File.WriteAllText(source, "public class NoOp { public static Object handle(Object event) { return null; } }\n");
        var javac = Path.Combine(Path.GetDirectoryName(JavaOf())!, "javac");
        using var process = Process.Start(javac, ["--release", "17", "-d", directory, source]) ?? throw new InvalidOperationException("cannot start javac");
        process.WaitForExit();
        return process.ExitCode == 0 ? directory : throw new InvalidOperationException($"javac exited with {process.ExitCode}");
    }

    /// <summary>The JDK 17 java the server runs java17 with (Debian's /usr/lib/jvm/java-17-openjdk-*).</summary>
    private static string JavaOf() =>
        Directory.GetDirectories("/usr/lib/jvm", "java-17-openjdk-*").Select(d => Path.Combine(d, "bin", "java")).Where(File.Exists).Order(StringComparer.Ordinal).First();

    [GeneratedRegex(@"Init Duration: ([0-9.]+) ms")]
    private static partial Regex InitDurationPattern();
}
