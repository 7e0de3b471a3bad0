// SPDX-License-Identifier: Apache-2.0
namespace Nimbus.Bench;

/// <summary>
/// runtime-throughput (for information, no target): the warm path of each managed runtime's client — python3.11,
/// nodejs20.x, java17 and dotnet10 no-op functions at 1,769 MB — one client's p50 and 16 clients' requests/s, beside
/// the echo server's measured in the same run. The <c>warm</c> and <c>throughput</c> targets are Python's (and Node's);
/// this puts the Java and .NET clients on the same scale.
/// </summary>
internal static class RuntimeThroughputBenchmark
{
    private const int Clients = 16;
    private const int SequentialCount = 3000;
    private const int SequentialWarmUp = 300;
    private static readonly TimeSpan s_duration = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan s_warmUp = TimeSpan.FromSeconds(15);
    // As in `warm`: a fresh server's (and echo's) tiered JIT needs seconds, not a few hundred requests, to settle.
    private static readonly TimeSpan s_sequentialWarmUp = TimeSpan.FromSeconds(5);

    public static async Task RunAsync(BenchSession session, CancellationToken cancellationToken)
    {
        Report.Heading($"runtime-throughput: no-op functions of each managed runtime at {WarmBenchmark.MemorySize} MB: one client's p50 ({SequentialCount} requests) and {Clients} clients for {s_duration.TotalSeconds:0} s, beside the echo (for information)");
        Report.Line($"warm-up: {s_sequentialWarmUp.TotalSeconds:0} s (and {SequentialWarmUp} requests at least) before the one-client sample; {s_warmUp.TotalSeconds:0} s before the {Clients}-client window (an environment per client, the JITs of the server and of the Java and .NET clients)");
        Report.Line("handlers: python and node return null; java17 a static method returning null (javac here); dotnet10 a Stream echo (a class library, dotnet publish here)");
        var work = Directory.CreateTempSubdirectory("nimbus-bench-runtimes-").FullName;
        string? javaClasses = null;
        try
        {
            javaClasses = RuntimeColdBenchmark.CompileNoOp();
            var dotnetFunction = await DotnetColdBenchmark.PublishEchoAsync(work, cancellationToken);
            await using var nimbus = await NimbusProcess.StartAsync(session.Location, cancellationToken);
            await using var echo = await EchoServer.StartAsync(cancellationToken);
            using var nimbusHttp = HttpClients.CreateSigned(nimbus.BaseAddress);
            using var echoHttp = HttpClients.Create(echo.BaseAddress);
            var lambda = new LambdaClient(nimbusHttp);

            var echoTarget = new PostTarget("echo", echoHttp, BenchSession.EchoPath, BenchSession.Payload);
            var echoOne = await LoadRunner.SequentialAsync(echoTarget, SequentialWarmUp, SequentialCount, cancellationToken, s_sequentialWarmUp);
            var echoMany = await LoadRunner.ConcurrentAsync(echoTarget, Clients, TimeSpan.FromSeconds(5), s_duration, cancellationToken);
            Print("echo", echoOne, echoMany, echoOne, echoMany);

            (string Runtime, string Handler, byte[] Zip)[] functions =
            [
                (FunctionCode.Python, "app.handler", FunctionCode.NoOp(FunctionCode.Python, "rt-python").Zip),
                (FunctionCode.Node, "index.handler", FunctionCode.NoOp(FunctionCode.Node, "rt-node").Zip),
                ("java17", RuntimeColdBenchmark.JavaNoOpHandler, RuntimeColdBenchmark.JavaNoOpZip(javaClasses, "rt-java")),
                ("dotnet10", DotnetColdBenchmark.EchoHandler, DotnetColdBenchmark.Zip(dotnetFunction, "rt-dotnet")),
            ];
            foreach (var (runtime, handler, zip) in functions)
            {
                var name = "rt-" + runtime.Replace(".", "", StringComparison.Ordinal);
                await lambda.CreateAsync(name, runtime, handler, zip, cancellationToken, WarmBenchmark.MemorySize);
                var target = new PostTarget(name, nimbusHttp, BenchSession.InvokePath(name), BenchSession.Payload);
                var one = await LoadRunner.SequentialAsync(target, SequentialWarmUp, SequentialCount, cancellationToken, s_sequentialWarmUp);
                var many = await LoadRunner.ConcurrentAsync(target, Clients, s_warmUp, s_duration, cancellationToken);
                Print(runtime, one, many, echoOne, echoMany);
            }
        }
        finally
        {
            Directory.Delete(work, recursive: true);
            if (javaClasses is not null)
            {
                Directory.Delete(javaClasses, recursive: true);
            }
        }
    }

    private static void Print(string label, LatencySample one, ThroughputSample many, LatencySample echoOne, ThroughputSample echoMany) =>
        Report.Line($"{label,-11} one client p50 {Report.Ms(one.P50)} ({Report.Times(one.P50 / echoOne.P50)} the echo's)  " +
            $"{Clients} clients {Report.Number(many.RequestsPerSecond),7} req/s ({Report.Percent(many.RequestsPerSecond / echoMany.RequestsPerSecond)} of the echo's)  " +
            $"p99 {Report.Ms(many.Latency.P99)}  errors {one.Errors + many.Latency.Errors}");
}
