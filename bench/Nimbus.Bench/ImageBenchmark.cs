// SPDX-License-Identifier: Apache-2.0
using System.Diagnostics;
using System.IO.Compression;
using System.Security.Cryptography;
using System.Text.Json.Nodes;

namespace Nimbus.Bench;

/// <summary>
/// images (runc sandbox; NIMBUS_BENCH_IMAGES_SANDBOX=bwrap for bwrap's): (1) the cold first invoke of a function from a cached container image against the same
/// code (the static C runtime of the image tests) as a provided.al2023 zip; target (issue "More ways to ship code")
/// ≤ 1.1×. (2) The first pull of a 100 MB image from the built-in registry (manifest, config, layer over loopback
/// HTTP) against the same bytes by one loopback GET from a bare Kestrel in the bench's process; target ≥ 200 MB/s.
/// (3) Beside it, for information: CreateFunction with that image until Active (pull and unpack into the image cache).
/// </summary>
internal static class ImageBenchmark
{
    private const int Iterations = 8;
    private const int BigBytes = 100 * 1024 * 1024;
    private const double ColdTarget = 1.1;
    private const double PullTargetMbPerSecond = 200;

    public static async Task RunAsync(BenchSession session, CancellationToken cancellationToken)
    {
        Report.Heading($"images: cold start from a cached image vs the same code as a zip ({Iterations} functions each), first pull of a 100 MB image");
        var sandbox = Environment.GetEnvironmentVariable("NIMBUS_BENCH_IMAGES_SANDBOX") is "bwrap" ? "bwrap" : "runc";
        Report.Line($"cold figure: CreateFunction until Active (not timed), then the first Invoke, timed by the client ({sandbox} sandbox for both)");
        var bootstrap = await ImagePusher.CompileBootstrapAsync(session.Location.RepositoryRoot, cancellationToken);
        await using var nimbus = await NimbusProcess.StartAsync(session.Location, cancellationToken, sandbox: sandbox);
        using var http = HttpClients.CreateSigned(nimbus.BaseAddress);
        var lambda = new LambdaClient(http);
        var pusher = new ImagePusher(http, nimbus.BaseAddress);
        var registryHost = $"000000000000.dkr.ecr.us-east-1.localhost:{nimbus.BaseAddress.Port}";

        await pusher.CreateRepositoryAsync("bench/runtime", cancellationToken);
        var layer = ImagePusher.Layer([("usr/local/bin/bootstrap", bootstrap, (UnixFileMode)0b111_101_101)]);
        await pusher.PushAsync("bench/runtime", "v1", [layer], ["/usr/local/bin/bootstrap"], cancellationToken);
        var zip = Zip(bootstrap);

        // One of each first, unmeasured: the server's first invoke of each kind JIT-compiles its path.
        await CreateImageAsync(lambda, "img-warmup", $"{registryHost}/bench/runtime:v1", cancellationToken);
        await CreateZipAsync(lambda, "zip-warmup", zip, cancellationToken);
        await InvokeAsync(lambda, "img-warmup", cancellationToken);
        await InvokeAsync(lambda, "zip-warmup", cancellationToken);

        var image = new List<double>();
        var reference = new List<double>();
        for (var i = 0; i < Iterations; i++)
        {
            await CreateZipAsync(lambda, $"zip-{i}", zip, cancellationToken);
            reference.Add(await InvokeAsync(lambda, $"zip-{i}", cancellationToken));
            await CreateImageAsync(lambda, $"img-{i}", $"{registryHost}/bench/runtime:v1", cancellationToken);
            image.Add(await InvokeAsync(lambda, $"img-{i}", cancellationToken));
        }

        var imageMedian = Stats.Median(image);
        var zipMedian = Stats.Median(reference);
        Report.Line($"zip (provided.al2023) cold first invoke: median {Report.Ms(zipMedian)}  min {Report.Ms(reference.Min())}  max {Report.Ms(reference.Max())}");
        Report.Line($"image (cached) cold first invoke:        median {Report.Ms(imageMedian)}  min {Report.Ms(image.Min())}  max {Report.Ms(image.Max())}");
        session.Report.Add(new Verdict(
            "cold first invoke, cached image (median)",
            Report.Ms(imageMedian),
            $"same code as zip {Report.Ms(zipMedian)}",
            Report.Times(imageMedian / zipMedian),
            $"≤ {Report.Number(ColdTarget, "0.0")}x",
            imageMedian <= zipMedian * ColdTarget));

        await PullAsync(session, lambda, pusher, registryHost, bootstrap, cancellationToken);
    }

    private static async Task PullAsync(BenchSession session, LambdaClient lambda, ImagePusher pusher, string registryHost, byte[] bootstrap, CancellationToken cancellationToken)
    {
        // Random bytes do not compress: the layer on the wire is the full 100 MB.
        var payload = RandomNumberGenerator.GetBytes(BigBytes);
        var big = ImagePusher.Layer([("usr/local/bin/bootstrap", bootstrap, (UnixFileMode)0b111_101_101), ("var/task/data.bin", payload, (UnixFileMode)0b110_100_100)], CompressionLevel.NoCompression);
        await pusher.CreateRepositoryAsync("bench/big", cancellationToken);
        await pusher.PushAsync("bench/big", "v1", [big], ["/usr/local/bin/bootstrap"], cancellationToken);

        var started = Stopwatch.GetTimestamp();
        var bytes = await pusher.PullAsync("bench/big", "v1", cancellationToken);
        var pullSeconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
        var pullRate = bytes / (1024.0 * 1024) / pullSeconds;

        // Reference: the same bytes served from memory by a bare Kestrel in this process, one loopback GET.
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(options => options.Listen(System.Net.IPAddress.Loopback, 0));
        await using var app = builder.Build();
        app.MapGet("/blob", async (HttpContext context) =>
        {
            // In 1 MiB writes, as the registry copies a blob from its file.
            context.Response.ContentLength = big.Length;
            for (var offset = 0; offset < big.Length; offset += 1024 * 1024)
            {
                await context.Response.Body.WriteAsync(big.AsMemory(offset, Math.Min(1024 * 1024, big.Length - offset)), context.RequestAborted);
            }
        });
        await app.StartAsync(cancellationToken);
        using var plain = HttpClients.Create(new Uri(app.Urls.First()));
        var buffer = new byte[1024 * 1024];

        // Once unmeasured: the bench's own Kestrel and client JIT-compile their paths on the first request (the
        // server's registry path was compiled by the pushes before).
        await DrainAsync(plain, buffer, cancellationToken);
        started = Stopwatch.GetTimestamp();
        var plainBytes = await DrainAsync(plain, buffer, cancellationToken);
        var echoSeconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
        var echoRate = plainBytes / (1024.0 * 1024) / echoSeconds;
        await app.StopAsync(cancellationToken);
        Report.Line($"first pull of a {Report.Mb(bytes)} image from the registry: {Report.Number(pullSeconds * 1000, "0")} ms = {Report.Number(pullRate, "0")} MB/s");
        Report.Line($"reference, the same bytes by one loopback GET from a bare Kestrel in this process: {Report.Number(echoSeconds * 1000, "0")} ms = {Report.Number(echoRate, "0")} MB/s");

        started = Stopwatch.GetTimestamp();
        await CreateImageAsync(lambda, "big", $"{registryHost}/bench/big:v1", cancellationToken);
        var createSeconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
        Report.Line($"CreateFunction with that image until Active (pulled from the blob store and unpacked once): {Report.Number(createSeconds * 1000, "0")} ms = {Report.Number(bytes / (1024.0 * 1024) / createSeconds, "0")} MB/s");
        session.Report.Add(new Verdict(
            "first pull of a 100 MB image (registry)",
            $"{Report.Number(pullRate, "0")} MB/s",
            $"bare loopback GET {Report.Number(echoRate, "0")} MB/s",
            Report.Times(pullRate / echoRate),
            $"≥ {Report.Number(PullTargetMbPerSecond)} MB/s",
            pullRate >= PullTargetMbPerSecond));
    }

    private static async Task<long> DrainAsync(HttpClient client, byte[] buffer, CancellationToken cancellationToken)
    {
        long total = 0;
        using var response = await client.GetAsync(new Uri("/blob", UriKind.Relative), HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken);
        int read;
        while ((read = await stream.ReadAsync(buffer, cancellationToken)) > 0)
        {
            total += read;
        }

        return total;
    }

    private static async Task CreateImageAsync(LambdaClient lambda, string name, string imageUri, CancellationToken cancellationToken)
    {
        await lambda.PostJsonAsync("/2015-03-31/functions", new JsonObject
        {
            ["FunctionName"] = name,
            ["PackageType"] = "Image",
            ["Role"] = "arn:aws:iam::000000000000:role/r",
            ["Code"] = new JsonObject { ["ImageUri"] = imageUri },
        }, 201, cancellationToken);
        await lambda.WaitActiveAsync(name, cancellationToken);
    }

    private static async Task CreateZipAsync(LambdaClient lambda, string name, byte[] zip, CancellationToken cancellationToken)
    {
        await lambda.PostJsonAsync("/2015-03-31/functions", new JsonObject
        {
            ["FunctionName"] = name,
            ["Runtime"] = "provided.al2023",
            ["Handler"] = "app.handler",
            ["Role"] = "arn:aws:iam::000000000000:role/r",
            ["Code"] = new JsonObject { ["ZipFile"] = Convert.ToBase64String(zip) },
        }, 201, cancellationToken);
        await lambda.WaitActiveAsync(name, cancellationToken);
    }

    private static async Task<double> InvokeAsync(LambdaClient lambda, string name, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        var result = await lambda.InvokeAsync(name, BenchSession.Payload, tail: false, cancellationToken);
        var elapsed = Stats.Milliseconds(started, Stopwatch.GetTimestamp());
        return result.Ok ? elapsed : throw new InvalidOperationException($"Invoke {name}: {result.StatusCode} {result.Body}");
    }

    private static byte[] Zip(byte[] bootstrap)
    {
        using var output = new MemoryStream();
        using (var archive = new ZipArchive(output, ZipArchiveMode.Create, leaveOpen: true))
        {
            var entry = archive.CreateEntry("bootstrap");
            entry.ExternalAttributes = (0b111_101_101 | 0x8000) << 16;
            using var stream = entry.Open();
            stream.Write(bootstrap);
        }

        return output.ToArray();
    }
}
