// SPDX-License-Identifier: Apache-2.0
using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using Nimbus.TestKit;

namespace Nimbus.Bench;

/// <summary>
/// mixed: warm invocations while the control plane works. One client invokes a warm python no-op in blocks, alternately
/// alone and while CreateFunction uploads of a ~27 MB zip run beside it (the AWS CLI, two at a time: separate processes,
/// so that the uploads' client work is not this process's). No target: the figure shows whether the control plane's
/// work reaches the invocations (docs/internals/invoke-path.md, "Socket completions on the event threads").
/// </summary>
internal static class MixedBenchmark
{
    private const int Rounds = 3;
    private const int PerBlock = 15_000;
    private const int Uploaders = 2;
    private const int RandomBytes = 35 * 1024 * 1024;

    public static async Task RunAsync(BenchSession session, CancellationToken cancellationToken)
    {
        Report.Heading($"mixed: one client invoking a warm python no-op, {Rounds} rounds of a quiet block and a block beside CreateFunction uploads ({Uploaders} at a time, {AwsClients.AwsCli}), {PerBlock} invokes each");
        Report.Line("for information, no target: the uploads' work must not reach the invocations (before 2026-12-05 the invocation's continuations queued behind it on the thread pool)");
        await using var nimbus = await NimbusProcess.StartAsync(session.Location, cancellationToken);
        using var http = HttpClients.CreateSigned(nimbus.BaseAddress);
        var lambda = new LambdaClient(http);
        const string name = "mixed-python";
        await lambda.CreateNoOpAsync(name, FunctionCode.Python, cancellationToken, WarmBenchmark.MemorySize);
        var target = new PostTarget(name, http, BenchSession.InvokePath(name), BenchSession.Payload);
        await LoadRunner.SequentialAsync(target, 200, 0, cancellationToken, TimeSpan.FromSeconds(5));

        var zip = Path.Combine(nimbus.DataDirectory, "..", "mixed-upload.zip");
        var content = BigZip();
        await File.WriteAllBytesAsync(zip, content, cancellationToken);
        Report.Line($"each upload: a zip of {Report.Mb(content.Length)} (a handler and {Report.Mb(RandomBytes)} of base64 text of random bytes), {Report.Mb(content.Length * 4.0 / 3)} as base64 in the request");
        var environment = new Dictionary<string, string>
        {
            ["AWS_ACCESS_KEY_ID"] = AwsClients.AccessKeyId,
            ["AWS_SECRET_ACCESS_KEY"] = AwsClients.SecretAccessKey,
            ["AWS_DEFAULT_REGION"] = "us-east-1",
        };
        var quietP99 = new List<double>(Rounds);
        var busyP99 = new List<double>(Rounds);
        var uploaded = 0;
        for (var round = 0; round < Rounds; round++)
        {
            var quiet = await LoadRunner.SequentialAsync(target, 20, PerBlock, cancellationToken);
            using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            var uploads = new Task<int>[Uploaders];
            for (var i = 0; i < Uploaders; i++)
            {
                uploads[i] = UploadAsync(nimbus.BaseAddress, zip, string.Create(CultureInfo.InvariantCulture, $"mixed-{round}-{i}"), environment, stop.Token);
            }

            // The first uploads under way (the CLI's own start) before the block is timed.
            await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken);
            var started = Stopwatch.GetTimestamp();
            var busy = await LoadRunner.SequentialAsync(target, 0, PerBlock, cancellationToken);
            var seconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
            await stop.CancelAsync();
            var done = 0;
            foreach (var upload in uploads)
            {
                done += await upload;
            }

            uploaded += done;
            quietP99.Add(quiet.P99);
            busyP99.Add(busy.P99);
            Report.Line($"round {round + 1}: quiet p50 {Report.Ms(quiet.P50)}  p99 {Report.Ms(quiet.P99)} | beside uploads p50 {Report.Ms(busy.P50)}  p99 {Report.Ms(busy.P99)}  ({done} uploads finished in the block's {Report.Number(seconds, "0.0")} s)  errors {quiet.Errors + busy.Errors}");
        }

        var quietMedian = Stats.Median(quietP99);
        var busyMedian = Stats.Median(busyP99);
        Report.Line($"p99 beside uploads {Report.Ms(busyMedian)} | quiet {Report.Ms(quietMedian)} | ratio {Report.Times(busyMedian / quietMedian)} (medians of {Rounds} rounds; {uploaded} uploads in all)");
    }

    /// <summary>CreateFunction in a loop until <paramref name="cancellationToken"/> is set; the number that succeeded.</summary>
    private static async Task<int> UploadAsync(Uri endpoint, string zip, string prefix, Dictionary<string, string> environment, CancellationToken cancellationToken)
    {
        var done = 0;
        for (var n = 0; !cancellationToken.IsCancellationRequested; n++)
        {
            try
            {
                var result = await ChildProcess.RunAsync(
                    AwsClients.AwsCli,
                    ["--endpoint-url", endpoint.ToString(), "lambda", "create-function", "--function-name", string.Create(CultureInfo.InvariantCulture, $"{prefix}-{n}"),
                        "--runtime", FunctionCode.Python, "--handler", "noop.handler", "--role", "arn:aws:iam::000000000000:role/r", "--zip-file", "fileb://" + zip],
                    environment,
                    cancellationToken: cancellationToken);
                done += result.ExitCode == 0 ? 1 : 0;
            }
            catch (Exception e) when (e is OperationCanceledException or TimeoutException && cancellationToken.IsCancellationRequested)
            {
                // The block is over: the upload in flight is cut short (ChildProcess reports a cancelled run as a timeout).
                break;
            }
        }

        return done;
    }

    /// <summary>A handler and 35 MB of base64 text of random bytes (deflated to about 27 MB): a function with its dependencies vendored.</summary>
    private static byte[] BigZip() => FunctionCode.Zip(
        ("noop.py", "def handler(event, context):\n    return event\n", 0b110_100_100),
        ("blob.bin", Convert.ToBase64String(RandomNumberGenerator.GetBytes(RandomBytes * 3 / 4)), 0b110_100_100));
}
