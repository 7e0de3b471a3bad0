// SPDX-License-Identifier: Apache-2.0
using System.Globalization;
using Nimbus.Bench.Fuzz;

namespace Nimbus.Bench;

/// <summary>
/// <c>fuzz [requests] [seed]</c>: starts the real server on loopback and sends it bounded random bad input over every
/// route (bench/README.md). Exits 1 when any request got a 5xx or no answer, printing each with the server's log.
/// </summary>
internal static class FuzzCommand
{
    public const int DefaultRequests = 3000;

    public static async Task<int> RunAsync(NimbusLocation location, string[] arguments, CancellationToken cancellationToken)
    {
        var requests = arguments.Length > 0 ? int.Parse(arguments[0], CultureInfo.InvariantCulture) : DefaultRequests;
        var seed = arguments.Length > 1 ? int.Parse(arguments[1], CultureInfo.InvariantCulture) : Environment.TickCount;
        await using var server = await NimbusProcess.StartAsync(location, cancellationToken);
        Console.WriteLine($"fuzz: {requests} requests, seed {seed}, against {server.BaseAddress}");
        var result = await FuzzRunner.RunAsync(server.BaseAddress, seed, requests, concurrency: 4, cancellationToken);
        Console.WriteLine(result);
        if (!result.Passed)
        {
            Console.WriteLine("--- server log (last lines)");
            Console.WriteLine(server.Output);
            return 1;
        }

        return 0;
    }
}
