// SPDX-License-Identifier: Apache-2.0
using Nimbus.Core.PowerTuning;

namespace Nimbus.Server.PowerTuning;

/// <summary>
/// Runs a function at several memory sizes and reports time and cost at each, as AWS Lambda Power Tuning does with the
/// Lambda API alone: for each size, UpdateFunctionConfiguration of $LATEST's MemorySize, PublishVersion, then the
/// invocations of that version with the log's tail (REPORT's Duration and Billed Duration). Afterwards, whatever
/// happened, the versions it published are deleted and $LATEST gets its memory size back. Versions that existed
/// before are never deleted (PublishVersion answers with an existing version when nothing changed since it).
/// </summary>
internal sealed class PowerTuner(LambdaApiClient api, TextWriter progress)
{
    private static readonly TimeSpan UpdatePoll = TimeSpan.FromMilliseconds(200);
    private static readonly TimeSpan UpdateLimit = TimeSpan.FromMinutes(5);
    private static readonly TimeSpan CleanupLimit = TimeSpan.FromMinutes(2);

    public async Task<PowerTuningOutput> RunAsync(PowerTuningRequest request, CancellationToken cancellationToken)
    {
        var function = request.FunctionName;
        var original = await api.GetConfigurationAsync(function, null, cancellationToken);
        var rate = request.PricePerGbSecond ?? PowerTuningMath.PricePerGbSecond(original.Architecture);
        var existing = await api.ListVersionsAsync(function, cancellationToken);
        var published = new List<string>();
        var stats = new List<PowerStats>();
        var lambdaCost = 0.0;
        try
        {
            foreach (var power in request.PowerValues)
            {
                await api.SetMemoryAsync(function, power, cancellationToken);
                await WaitAsync(function, null, cancellationToken);
                var version = await api.PublishVersionAsync(function, $"nimbus power-tune: {power} MB", cancellationToken);
                if (!existing.Contains(version))
                {
                    published.Add(version);
                }

                await WaitAsync(function, version, cancellationToken);
                await progress.WriteLineAsync($"nimbus power-tune: {power} MB (version {version}): {request.Invocations} invocations{(request.Parallel ? " in parallel" : "")}");
                var reports = await InvokeAsync(function, version, power, request, cancellationToken);
                var durations = new double[reports.Length];
                var billed = new double[reports.Length];
                var total = 0.0;
                for (var i = 0; i < reports.Length; i++)
                {
                    durations[i] = reports[i].DurationMs;
                    billed[i] = reports[i].BilledDurationMs;
                    total += PowerTuningMath.Price(power, reports[i].BilledDurationMs, rate);
                }

                lambdaCost += total;
                stats.Add(new PowerStats(
                    power,
                    PowerTuningMath.TrimmedMean(durations, request.DiscardTopBottom),
                    PowerTuningMath.Price(power, PowerTuningMath.TrimmedMean(billed, request.DiscardTopBottom), rate),
                    total));
            }
        }
        finally
        {
            // Cleaned up even when the user pressed Ctrl-C: the function must not stay at a size it was only tried at.
            using var limit = new CancellationTokenSource(CleanupLimit);
            await CleanUpAsync(function, original.MemorySize, published, limit.Token);
        }

        var best = PowerTuningMath.Choose(stats, request.Strategy, request.BalancedWeight);
        return new PowerTuningOutput
        {
            Power = best.Value,
            Cost = best.AveragePrice,
            Duration = best.AverageDuration,
            StateMachine = new PowerTuningCosts { LambdaCost = lambdaCost },
            Stats = stats.ConvertAll(s => new PowerTuningStat { Value = s.Value, AveragePrice = s.AveragePrice, AverageDuration = s.AverageDuration, TotalCost = s.TotalCost }),
        };
    }

    private async Task<InvocationReport[]> InvokeAsync(string function, string version, int power, PowerTuningRequest request, CancellationToken cancellationToken)
    {
        if (request.Parallel)
        {
            var tasks = new Task<InvocationReport>[request.Invocations];
            for (var i = 0; i < tasks.Length; i++)
            {
                tasks[i] = InvokeOnceAsync(function, version, power, request.Payload, cancellationToken);
            }

            return await Task.WhenAll(tasks);
        }

        var reports = new InvocationReport[request.Invocations];
        for (var i = 0; i < reports.Length; i++)
        {
            reports[i] = await InvokeOnceAsync(function, version, power, request.Payload, cancellationToken);
        }

        return reports;
    }

    private async Task<InvocationReport> InvokeOnceAsync(string function, string version, int power, string payload, CancellationToken cancellationToken)
    {
        var invocation = await api.InvokeAsync(function, version, payload, cancellationToken);
        if (invocation.FunctionError is { } error)
        {
            throw new PowerTuningException($"the function failed at {power} MB ({error}): {Shorten(invocation.Payload)}");
        }

        return InvocationReport.TryParse(invocation.Log, out var report)
            ? report
            : throw new PowerTuningException($"the invocation at {power} MB returned no REPORT line in its log tail");
    }

    /// <summary>Waits while $LATEST's update (or a new version's creation) is in progress; a failed one is an error.</summary>
    private async Task WaitAsync(string function, string? version, CancellationToken cancellationToken)
    {
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(UpdateLimit);
        while (true)
        {
            var state = await api.GetConfigurationAsync(function, version, limit.Token);
            if (state.State == "Failed" || state.LastUpdateStatus == "Failed")
            {
                throw new PowerTuningException($"{function}{(version is null ? "" : ":" + version)} is {(state.State == "Failed" ? "in state Failed" : "failing its last update")}");
            }

            if (state.State != "Pending" && state.LastUpdateStatus != "InProgress")
            {
                return;
            }

            await Task.Delay(UpdatePoll, limit.Token);
        }
    }

    private async Task CleanUpAsync(string function, int memorySize, List<string> published, CancellationToken cancellationToken)
    {
        var failures = new List<string>();
        try
        {
            await api.SetMemoryAsync(function, memorySize, cancellationToken);
        }
        catch (Exception e) when (e is PowerTuningException or HttpRequestException or OperationCanceledException)
        {
            failures.Add($"restoring MemorySize {memorySize}: {e.Message}");
        }

        foreach (var version in published)
        {
            try
            {
                await api.DeleteVersionAsync(function, version, cancellationToken);
            }
            catch (Exception e) when (e is PowerTuningException or HttpRequestException or OperationCanceledException)
            {
                failures.Add($"deleting version {version}: {e.Message}");
            }
        }

        foreach (var failure in failures)
        {
            await progress.WriteLineAsync($"nimbus power-tune: clean-up incomplete: {failure}");
        }
    }

    private static string Shorten(string text) => text.Length <= 500 ? text : text[..500] + "…";
}
