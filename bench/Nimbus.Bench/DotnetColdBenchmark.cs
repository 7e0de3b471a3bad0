// SPDX-License-Identifier: Apache-2.0
using System.Diagnostics;
using System.Globalization;
using System.IO.Compression;
using System.Text;
using System.Text.RegularExpressions;

namespace Nimbus.Bench;

/// <summary>
/// dotnet-cold: the first Invoke of a new dotnet10 function (a C# class library with a Stream echo handler, built by
/// <c>dotnet publish</c> here), timed by the client, with the Init Duration of its REPORT line; against
/// <c>dotnet app.dll</c> of an empty program on the same .NET. Targets (issue 15): cold first invoke ≤ bare start
/// + 25 ms; Init Duration beside AWS's published .NET init of 245–285 ms (lambda-perf).
/// </summary>
internal static partial class DotnetColdBenchmark
{
    internal const string EchoHandler = "echo::Echo.Function::Handle";

    private const int Iterations = 10;
    private const double TargetSlackMs = 25;
    private const double AwsInitLowMs = 245;
    private const double AwsInitHighMs = 285;

    public static async Task RunAsync(BenchSession session, CancellationToken cancellationToken)
    {
        Report.Heading($"dotnet-cold: first invoke of a new dotnet10 function (Stream echo, class library), {Iterations} functions");
        Report.Line("cold figure includes: HTTP request, sandbox start, nimbus-init start, dotnet host and runtime start, runtime client, handler assembly load, one invocation");
        Report.Line("reference: `dotnet app.dll` of an empty program (top-level `return;`) on the same dotnet, spawned from the bench");
        var work = Directory.CreateTempSubdirectory("nimbus-bench-dotnet-").FullName;
        try
        {
            var dotnet = FindDotnet();
            var empty = await PublishAsync(work, "empty", "<OutputType>Exe</OutputType>", "return;", cancellationToken);
            var function = await PublishEchoAsync(work, cancellationToken);
            await using var nimbus = await NimbusProcess.StartAsync(session.Location, cancellationToken);
            using var http = HttpClients.CreateSigned(nimbus.BaseAddress);
            var lambda = new LambdaClient(http);

            // As in `cold`: the server's first Invoke JIT-compiles its own invoke path; one function goes first, unmeasured.
            await lambda.CreateAsync("dotnet-warmup", "dotnet10", EchoHandler, Zip(function, "warmup"), cancellationToken, 256);
            await lambda.InvokeAsync("dotnet-warmup", BenchSession.Payload, tail: false, cancellationToken);
            await ReferenceStart.TimeAsync(dotnet, [Path.Combine(empty, "empty.dll")], cancellationToken);

            var cold = new List<double>();
            var init = new List<double>();
            var reference = new List<double>();
            for (var i = 0; i < Iterations; i++)
            {
                reference.Add(await ReferenceStart.TimeAsync(dotnet, [Path.Combine(empty, "empty.dll")], cancellationToken));
                var name = $"dotnet-cold-{i:00}";
                await lambda.CreateAsync(name, "dotnet10", EchoHandler, Zip(function, name), cancellationToken, 256);
                var start = Stopwatch.GetTimestamp();
                var result = await lambda.InvokeAsync(name, BenchSession.Payload, tail: true, cancellationToken);
                var elapsed = Stats.Milliseconds(start, Stopwatch.GetTimestamp());
                if (!result.Ok)
                {
                    throw new InvalidOperationException($"Invoke {name}: {result.StatusCode} {result.Body}");
                }

                cold.Add(elapsed);
                if (result.LogTail is not null && InitDurationPattern().Match(result.LogTail) is { Success: true } match)
                {
                    init.Add(double.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture));
                }
            }

            Report.Line($"dotnet app.dll ({dotnet}): median {Report.Ms(Stats.Median(reference))}  min {Report.Ms(reference.Min())}  max {Report.Ms(reference.Max())}");
            Report.Line($"cold first invoke (client): median {Report.Ms(Stats.Median(cold))}  min {Report.Ms(cold.Min())}  max {Report.Ms(cold.Max())}");
            if (init.Count > 0)
            {
                Report.Line($"Init Duration (REPORT):     median {Report.Ms(Stats.Median(init))}  min {Report.Ms(init.Min())}  max {Report.Ms(init.Max())}");
            }

            Report.Line("each run, ms (cold / Init Duration / dotnet app.dll): " + string.Join("  ", cold.Select((c, i) =>
                $"{Report.Number(c, "0.0")}/{(i < init.Count ? Report.Number(init[i], "0.0") : "-")}/{Report.Number(reference[i], "0.0")}")));

            var coldMedian = Stats.Median(cold);
            var referenceMedian = Stats.Median(reference);
            session.Report.Add(new Verdict(
                "cold first invoke dotnet10 (median)",
                Report.Ms(coldMedian),
                $"dotnet app.dll {Report.Ms(referenceMedian)}",
                $"{Report.Times(coldMedian / referenceMedian)} (+{Report.Ms(coldMedian - referenceMedian)})",
                $"≤ dotnet app.dll + {Report.Number(TargetSlackMs)} ms = {Report.Ms(referenceMedian + TargetSlackMs)}",
                coldMedian <= referenceMedian + TargetSlackMs));
            if (init.Count > 0)
            {
                var initMedian = Stats.Median(init);
                session.Report.Add(new Verdict(
                    "Init Duration dotnet10 (median)",
                    Report.Ms(initMedian),
                    $"AWS .NET init {Report.Number(AwsInitLowMs)}–{Report.Number(AwsInitHighMs)} ms (lambda-perf)",
                    $"{Report.Times(initMedian / AwsInitLowMs)} of the low end",
                    $"≤ {Report.Number(AwsInitLowMs)} ms",
                    initMedian <= AwsInitLowMs));
            }
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
    }

    /// <summary>The Stream echo class library (<see cref="EchoHandler"/>), published under <paramref name="work"/>; its output directory.</summary>
    internal static Task<string> PublishEchoAsync(string work, CancellationToken cancellationToken) => PublishAsync(
        work,
        "echo",
        "<GenerateRuntimeConfigurationFiles>true</GenerateRuntimeConfigurationFiles>",
        "namespace Echo; public class Function { public System.IO.Stream Handle(System.IO.Stream input) => input; }",
        cancellationToken);

    /// <summary>`dotnet publish` of a one-file project; its output directory.</summary>
    private static async Task<string> PublishAsync(string work, string name, string properties, string code, CancellationToken cancellationToken)
    {
        var directory = Directory.CreateDirectory(Path.Combine(work, name)).FullName;
        await File.WriteAllTextAsync(
            Path.Combine(directory, name + ".csproj"),
            $"<Project Sdk=\"Microsoft.NET.Sdk\"><PropertyGroup><TargetFramework>net10.0</TargetFramework>{properties}</PropertyGroup></Project>",
            cancellationToken);
        await File.WriteAllTextAsync(Path.Combine(directory, "Program.cs"), code, cancellationToken);
        var output = Path.Combine(directory, "out");
        var start = new ProcessStartInfo("dotnet") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in (string[])["publish", directory, "-c", "Release", "-o", output, "--nologo", "-v", "quiet", "-p:DebugType=none"])
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException("cannot start dotnet publish");
        var stdout = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken);
        return process.ExitCode == 0 ? output : throw new InvalidOperationException($"dotnet publish {name}: {await stdout}{await stderr}");
    }

    /// <summary>The publish output as a zip, with a marker file so that every function has code of its own.</summary>
    internal static byte[] Zip(string directory, string marker)
    {
        using var buffer = new MemoryStream();
        using (var archive = new ZipArchive(buffer, ZipArchiveMode.Create, leaveOpen: true))
        {
            foreach (var file in Directory.GetFiles(directory))
            {
                archive.CreateEntryFromFile(file, Path.GetFileName(file), CompressionLevel.Fastest);
            }

            using var entry = archive.CreateEntry("marker.txt").Open();
            entry.Write(Encoding.UTF8.GetBytes(marker));
        }

        return buffer.ToArray();
    }

    /// <summary>The dotnet muxer by its real path, as the server runs it.</summary>
    private static string FindDotnet()
    {
        foreach (var dir in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries))
        {
            var path = Path.Combine(dir, "dotnet");
            if (File.Exists(path))
            {
                return new FileInfo(path).ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? path;
            }
        }

        throw new FileNotFoundException("dotnet is not on PATH");
    }

    [GeneratedRegex(@"Init Duration: ([0-9.]+) ms")]
    private static partial Regex InitDurationPattern();
}
