// SPDX-License-Identifier: Apache-2.0
using System.Runtime.InteropServices;
using Nimbus.Bench;

// The benchmarks of issues #3, #4 and #5; bench/README.md says what each figure means.
//   dotnet run -c Release --project bench/Nimbus.Bench -- warm|throughput|cold|memory|isolation|alias|layers|queues|events|all
string[] commands = ["warm", "throughput", "cold", "memory", "isolation", "alias", "layers", "queues", "events", "all"];
var command = args.Length == 0 ? "all" : args[0];
if (args.Length > 1 || !commands.Contains(command))
{
    Console.Error.WriteLine($"usage: Nimbus.Bench [{string.Join('|', commands)}]   (default: all)");
    return 2;
}

using var interrupted = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    // Unwind instead of dying, so that the nimbus child and its environments are killed and temp data removed.
    e.Cancel = true;
    interrupted.Cancel();
};
using var terminated = PosixSignalRegistration.Create(PosixSignal.SIGTERM, context =>
{
    context.Cancel = true;
    interrupted.Cancel();
});

var report = new Report();
try
{
    var location = await NimbusLocation.FindAsync(interrupted.Token);
    Console.WriteLine($"Nimbus benchmarks ({command}); {Environment.ProcessorCount} cores, {RuntimeInformation.OSDescription}, .NET {Environment.Version}");
    Console.WriteLine($"nimbus: {location.Executable} (built {File.GetLastWriteTime(location.Executable):yyyy-MM-dd HH:mm:ss})");
    var session = new BenchSession(location, report);
    if (command is "warm" or "all")
    {
        await WarmBenchmark.RunAsync(session, interrupted.Token);
    }

    if (command is "throughput" or "all")
    {
        await ThroughputBenchmark.RunAsync(session, interrupted.Token);
    }

    if (command is "cold" or "all")
    {
        await ColdBenchmark.RunAsync(session, interrupted.Token);
    }

    if (command is "memory" or "all")
    {
        await MemoryBenchmark.RunAsync(session, interrupted.Token);
    }

    if (command is "isolation" or "all")
    {
        await IsolationBenchmark.RunAsync(session, interrupted.Token);
    }

    if (command is "alias" or "all")
    {
        await AliasBenchmark.RunAsync(session, interrupted.Token);
    }

    if (command is "layers" or "all")
    {
        await LayerBenchmark.RunAsync(session, interrupted.Token);
    }

    if (command is "queues" or "all")
    {
        await QueueBenchmark.RunAsync(session, interrupted.Token);
    }

    if (command is "events" or "all")
    {
        await EventsBenchmark.RunAsync(session, interrupted.Token);
    }

    report.PrintSummary();
    return 0;
}
catch (OperationCanceledException) when (interrupted.IsCancellationRequested)
{
    Console.Error.WriteLine("interrupted");
    return 130;
}
