// SPDX-License-Identifier: Apache-2.0
using System.Runtime.InteropServices;
using Nimbus.Bench;

// The benchmarks of issues #3 to #6; bench/README.md says what each figure means.
//   dotnet run -c Release --project bench/Nimbus.Bench -- <command>|all   (the commands are listed below, in run order)
(string Name, Func<BenchSession, CancellationToken, Task> Run)[] benchmarks =
[
    ("warm", WarmBenchmark.RunAsync),
    ("throughput", ThroughputBenchmark.RunAsync),
    ("mixed", MixedBenchmark.RunAsync),
    ("runtime-throughput", RuntimeThroughputBenchmark.RunAsync),
    ("cold", ColdBenchmark.RunAsync),
    ("runtimes", RuntimeColdBenchmark.RunAsync),
    ("dotnet-cold", DotnetColdBenchmark.RunAsync),
    ("memory", MemoryBenchmark.RunAsync),
    ("isolation", IsolationBenchmark.RunAsync),
    ("stemcells", StemCellBenchmark.RunAsync),
    ("snapstart", SnapStartBenchmark.RunAsync),
    ("alias", AliasBenchmark.RunAsync),
    ("auth", AuthBenchmark.RunAsync),
    ("metrics", MetricsBenchmark.RunAsync),
    ("audit", AuditBenchmark.RunAsync),
    ("logs", LogsBenchmark.RunAsync),
    ("observability", ObservabilityBenchmark.RunAsync),
    ("layers", LayerBenchmark.RunAsync),
    ("extensions", ExtensionBenchmark.RunAsync),
    ("queues", QueueBenchmark.RunAsync),
    ("events", EventsBenchmark.RunAsync),
    ("images", ImageBenchmark.RunAsync),
];
string[] commands = [.. benchmarks.Select(b => b.Name), "all"];
var command = args.Length == 0 ? "all" : args[0];
if ((args.Length > 1 && command != "fuzz") || args.Length > 3 || !(commands.Contains(command) || command == "fuzz")
    || args.Skip(1).Any(a => !int.TryParse(a, System.Globalization.CultureInfo.InvariantCulture, out _)))
{
    // fuzz is not a figure and not part of "all": a bad-input pass that fails (exit 1) on any 5xx or dropped connection.
    Console.Error.WriteLine($"usage: Nimbus.Bench [{string.Join('|', commands)}]   (default: all)\n       Nimbus.Bench fuzz [requests] [seed]");
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
    if (command == "fuzz")
    {
        return await FuzzCommand.RunAsync(location, args[1..], interrupted.Token);
    }

    var session = new BenchSession(location, report);
    foreach (var (name, run) in benchmarks)
    {
        if (command == name || command == "all")
        {
            await run(session, interrupted.Token);
        }
    }

    report.PrintSummary();
    return 0;
}
catch (OperationCanceledException) when (interrupted.IsCancellationRequested)
{
    Console.Error.WriteLine("interrupted");
    return 130;
}
