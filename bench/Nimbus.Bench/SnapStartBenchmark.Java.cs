// SPDX-License-Identifier: Apache-2.0
using System.Diagnostics;
using System.IO.Compression;
using System.Text.Json.Nodes;

namespace Nimbus.Bench;

/// <summary>snapstart with NIMBUS_BENCH_SNAPSTART_RUNTIME=java17: pre-initialized spares (docs/cold-starts.md#snapstart).</summary>
internal static partial class SnapStartBenchmark
{
    private const string JavaSource = """
        public class Snap {
            static {
                try { Thread.sleep(1000); } catch (InterruptedException e) { throw new RuntimeException(e); }
            }
            public static Object handle(Object event) { return "ok"; }
        }
        """;

    private static async Task RunJavaAsync(BenchSession session, CancellationToken cancellationToken)
    {
        var sandbox = Environment.GetEnvironmentVariable("NIMBUS_BENCH_SANDBOX") is "runc" ? "runc" : "process";
        Report.Heading($"snapstart java17: {sandbox} sandbox, first invoke of a new environment of a published java17 (512 MB) version whose static init sleeps 1 s; {Runs} versions with SnapStart, {PlainRuns} without");
        Report.Line("client figure includes: signed HTTP Invoke, the take of the version's pre-initialized spare (made at publishing: JVM, init, CRaC before-checkpoint), /runtime/restore/next's answer, after-restore hooks (none here), one invocation, the response");
        Report.Line("each version is invoked 0.5 s after it became Active, then deleted (its refilled spare ends with it)");
        Report.Line("not included: PublishVersion and the spare's init (done when the version is published)");
        var java = Directory.GetDirectories("/usr/lib/jvm", "java-17-openjdk-*").Select(d => Path.Combine(d, "bin", "java")).Where(File.Exists).Order(StringComparer.Ordinal).First();
        Report.Line($"reference: {java} -XX:+TieredCompilation -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -Xshare:auto -version, spawned from .NET until it exits");
        Report.Line($"load average at start: {(await File.ReadAllTextAsync("/proc/loadavg", cancellationToken)).Trim()}");
        var zip = CompileJava(java);
        await using var nimbus = await NimbusProcess.StartAsync(session.Location, cancellationToken, sandbox);
        using var http = HttpClients.CreateSigned(nimbus.BaseAddress);
        var lambda = new LambdaClient(http);
        await lambda.CreateAsync("jsnap-on", "java17", "Snap::handle", zip, cancellationToken, memorySize: 512);
        await lambda.CreateAsync("jsnap-off", "java17", "Snap::handle", zip, cancellationToken, memorySize: 512);
        await SendAsync(http, HttpMethod.Put, "/2015-03-31/functions/jsnap-on/configuration", new JsonObject { ["SnapStart"] = new JsonObject { ["ApplyOn"] = "PublishedVersions" } }, cancellationToken);
        await FirstInvokeAndDeleteAsync(lambda, http, "jsnap-on", 0, cancellationToken);
        await FirstInvokeAndDeleteAsync(lambda, http, "jsnap-off", 0, cancellationToken);
        var references = new List<double>();
        var restored = new List<(double Client, double Restore)>();
        for (var i = 1; i <= Runs; i++)
        {
            references.Add(await ReferenceStart.TimeAsync(java, ["-XX:+TieredCompilation", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xshare:auto", "-version"], cancellationToken));
            restored.Add(await FirstInvokeAndDeleteAsync(lambda, http, "jsnap-on", i, cancellationToken));
        }

        var plain = new List<(double Client, double Init)>();
        for (var i = 1; i <= PlainRuns; i++)
        {
            plain.Add(await FirstInvokeAndDeleteAsync(lambda, http, "jsnap-off", i, cancellationToken));
        }

        var reference = Stats.Median(references);
        var client = Stats.Median([.. restored.Select(r => r.Client)]);
        var restore = Stats.Median([.. restored.Select(r => r.Restore)]);
        var plainClient = Stats.Median([.. plain.Select(p => p.Client)]);
        Report.Line($"java -version: median {Report.Ms(reference)} (min {Report.Ms(references.Min())}, max {Report.Ms(references.Max())})");
        Report.Line($"SnapStart first invoke (client): median {Report.Ms(client)} (min {Report.Ms(restored.Min(r => r.Client))}, max {Report.Ms(restored.Max(r => r.Client))}); Restore Duration median {Report.Ms(restore)} (min {Report.Ms(restored.Min(r => r.Restore))}, max {Report.Ms(restored.Max(r => r.Restore))})");
        Report.Line($"without SnapStart (client): median {Report.Ms(plainClient)}; Init Duration median {Report.Ms(Stats.Median([.. plain.Select(p => p.Init)]))}");
        Report.Line("each SnapStart run, ms (client / Restore Duration): " + string.Join("  ", restored.Select(r => $"{Report.Number(r.Client, "0.0")}/{Report.Number(r.Restore, "0.0")}")));
        Report.Line($"load average at the end: {(await File.ReadAllTextAsync("/proc/loadavg", cancellationToken)).Trim()}");
        session.Report.Add(new Verdict("SnapStart java17 Restore Duration (REPORT, median)", Report.Ms(restore), $"java -version {Report.Ms(reference)}", Report.Times(restore / reference), "≤ 10 ms", restore <= 10));
        session.Report.Add(new Verdict("SnapStart java17 first invoke at the client (median)", Report.Ms(client), $"no SnapStart {Report.Ms(plainClient)}", Report.Times(client / plainClient), "≤ 20 ms", client <= 20));
    }

    private static async Task<(double Client, double Duration)> FirstInvokeAndDeleteAsync(LambdaClient lambda, HttpClient http, string name, int run, CancellationToken cancellationToken)
    {
        var measured = await FirstInvokeAsync(lambda, http, name, run, cancellationToken);
        var versions = System.Text.Json.JsonDocument.Parse(await http.GetStringAsync(new Uri($"/2015-03-31/functions/{name}/versions", UriKind.Relative), cancellationToken));
        foreach (var version in versions.RootElement.GetProperty("Versions").EnumerateArray().Select(v => v.GetProperty("Version").GetString()).Where(v => v != "$LATEST"))
        {
            using var deleted = await http.DeleteAsync(new Uri($"/2015-03-31/functions/{name}?Qualifier={version}", UriKind.Relative), cancellationToken);
        }

        return measured;
    }

    private static byte[] CompileJava(string java)
    {
        var directory = Directory.CreateTempSubdirectory("nb-jsnap-").FullName;
        try
        {
            File.WriteAllText(Path.Combine(directory, "Snap.java"), JavaSource);
            using (var javac = Process.Start(Path.Combine(Path.GetDirectoryName(java)!, "javac"), ["--release", "17", "-d", directory, Path.Combine(directory, "Snap.java")]) ?? throw new InvalidOperationException("cannot start javac"))
            {
                javac.WaitForExit();
                if (javac.ExitCode != 0)
                {
                    throw new InvalidOperationException($"javac exited with {javac.ExitCode}");
                }
            }

            using var buffer = new MemoryStream();
            using (var zip = new ZipArchive(buffer, ZipArchiveMode.Create, leaveOpen: true))
            {
                var entry = zip.CreateEntry("Snap.class");
                entry.ExternalAttributes = Convert.ToInt32("100644", 8) << 16;
                using var stream = entry.Open();
                stream.Write(File.ReadAllBytes(Path.Combine(directory, "Snap.class")));
            }

            return buffer.ToArray();
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }
}
