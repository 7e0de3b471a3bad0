// SPDX-License-Identifier: Apache-2.0
using System.Diagnostics;
using System.Globalization;
using System.IO.Compression;
using System.Text;
using System.Text.RegularExpressions;

namespace Nimbus.Bench;

/// <summary>
/// layers: cold first invoke of a Python no-op function with 5 layers of 1,000 files each against the same function
/// without layers, in the same run. Each layer version is unpacked once (at publish) and each ordered list of layers is
/// merged into one /opt tree once (at the first environment that uses it), so the first environment with the layers
/// pays the merge and later ones only a read-only bind. Target: later cold starts with layers ≤ without + 25 ms.
/// </summary>
internal static partial class LayerBenchmark
{
    private const int Layers = 5;
    private const int FilesPerLayer = 1000;
    private const int Iterations = 8;
    private const double TargetSlackMs = 25;

    private static readonly bool[] s_noneFirst = [false, true];
    private static readonly bool[] s_layersFirst = [true, false];

    public static async Task RunAsync(BenchSession session, CancellationToken cancellationToken)
    {
        Report.Heading($"layers: cold first invoke of a {FunctionCode.Python} no-op function with {Layers} layers of {FilesPerLayer} files vs none, {Iterations} functions each");
        Report.Line("cold figure includes: HTTP request, sandbox start (with /opt bound when there are layers), nimbus-init, interpreter, runtime client, handler import, one invocation");
        await using var nimbus = await NimbusProcess.StartAsync(session.Location, cancellationToken);
        using var http = HttpClients.CreateSigned(nimbus.BaseAddress);
        var lambda = new LambdaClient(http);

        // Server JIT warm-up, not counted (as in cold).
        await lambda.CreateNoOpAsync("layers-warmup", FunctionCode.Python, cancellationToken);
        await lambda.InvokeAsync("layers-warmup", BenchSession.Payload, tail: false, cancellationToken);

        var arns = new List<string>();
        var publish = Stopwatch.GetTimestamp();
        for (var i = 0; i < Layers; i++)
        {
            arns.Add(await lambda.PublishLayerAsync($"bench-layer-{i}", LayerZip(i), cancellationToken));
        }

        Report.Line($"publish {Layers} layers ({Layers * FilesPerLayer} files; stored and unpacked once each): {Report.Ms(Stats.Milliseconds(publish, Stopwatch.GetTimestamp()))}");

        // The first environment with these layers builds their merged /opt (hard links); later ones reuse it.
        var (firstCold, firstInit) = await ColdAsync(lambda, "layers-first", arns, cancellationToken);
        Report.Line($"first environment with the layers (merges /opt): cold {Report.Ms(firstCold)}, Init Duration {Report.Ms(firstInit)}");

        var without = new List<double>();
        var with = new List<double>();
        var withInit = new List<double>();
        var withoutInit = new List<double>();
        for (var i = 0; i < Iterations; i++)
        {
            // Alternating which goes first, so neither side gains from running right after the other.
            foreach (var layered in i % 2 == 0 ? s_noneFirst : s_layersFirst)
            {
                var (cold, init) = await ColdAsync(lambda, layered ? $"layers-five-{i:00}" : $"layers-none-{i:00}", layered ? arns : null, cancellationToken);
                (layered ? with : without).Add(cold);
                (layered ? withInit : withoutInit).Add(init);
            }
        }

        var withoutMedian = Stats.Median(without);
        var withMedian = Stats.Median(with);
        Report.Line($"no layers, cold first invoke:       median {Report.Ms(withoutMedian)}  min {Report.Ms(without.Min())}  max {Report.Ms(without.Max())}  (Init Duration median {Report.Ms(Stats.Median(withoutInit))})");
        Report.Line($"{Layers} layers (later), cold first invoke: median {Report.Ms(withMedian)}  min {Report.Ms(with.Min())}  max {Report.Ms(with.Max())}  (Init Duration median {Report.Ms(Stats.Median(withInit))})");
        Report.Line($"ratio {Layers} layers / none: {Report.Times(withMedian / withoutMedian)} (+{Report.Ms(withMedian - withoutMedian)}); first environment with the layers / later: {Report.Times(firstCold / withMedian)}");
        session.Report.Add(new Verdict(
            $"cold first invoke with {Layers}x{FilesPerLayer}-file layers (median, after the first)",
            Report.Ms(withMedian),
            $"no layers {Report.Ms(withoutMedian)}",
            $"{Report.Times(withMedian / withoutMedian)} (+{Report.Ms(withMedian - withoutMedian)})",
            $"≤ no layers + {Report.Number(TargetSlackMs)} ms = {Report.Ms(withoutMedian + TargetSlackMs)}",
            withMedian <= withoutMedian + TargetSlackMs));
    }

    private static async Task<(double Cold, double Init)> ColdAsync(LambdaClient lambda, string name, IReadOnlyList<string>? layers, CancellationToken cancellationToken)
    {
        await lambda.CreateNoOpAsync(name, FunctionCode.Python, cancellationToken, layers: layers);
        var start = Stopwatch.GetTimestamp();
        var result = await lambda.InvokeAsync(name, BenchSession.Payload, tail: true, cancellationToken);
        var elapsed = Stats.Milliseconds(start, Stopwatch.GetTimestamp());
        if (!result.Ok)
        {
            throw new InvalidOperationException($"Invoke {name}: {result.StatusCode} {result.Body}");
        }

        var match = result.LogTail is null ? null : InitDurationPattern().Match(result.LogTail);
        return (elapsed, match is { Success: true } ? double.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture) : double.NaN);
    }

    /// <summary>A layer of <see cref="FilesPerLayer"/> small Python modules under python/layerN/.</summary>
    private static byte[] LayerZip(int layer)
    {
        using var buffer = new MemoryStream();
        using (var zip = new ZipArchive(buffer, ZipArchiveMode.Create, leaveOpen: true))
        {
            for (var i = 0; i < FilesPerLayer; i++)
            {
                var entry = zip.CreateEntry(string.Create(CultureInfo.InvariantCulture, $"python/layer{layer}/m{i:0000}.py"), CompressionLevel.Fastest);
                using var stream = entry.Open();
                stream.Write(Encoding.UTF8.GetBytes(string.Create(CultureInfo.InvariantCulture, $"VALUE = {i}\n")));
            }
        }

        return buffer.ToArray();
    }

    [GeneratedRegex(@"Init Duration: ([0-9.]+) ms")]
    private static partial Regex InitDurationPattern();
}
