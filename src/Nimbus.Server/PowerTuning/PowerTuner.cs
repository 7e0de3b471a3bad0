// SPDX-License-Identifier: Apache-2.0
using Nimbus.Core.PowerTuning;

namespace Nimbus.Server.PowerTuning;

/// <summary>
/// Runs a function at several memory sizes and reports time and cost at each, as AWS Lambda Power Tuning does with the
/// Lambda API alone: for each size, UpdateFunctionConfiguration of $LATEST's MemorySize, PublishVersion (described
/// <see cref="VersionDescription"/>), then the invocations of that version with the log's tail (REPORT's Billed
/// Duration). Afterwards, whatever happened — success, a failure, the user's interrupt — $LATEST gets its memory size
/// back and every version a tuning published that was not there before is deleted (found again by its description, so
/// one whose PublishVersion answer was lost goes too). Versions that existed before are never deleted:
/// PublishVersion answers with an existing version when nothing changed since it.
/// </summary>
internal sealed class PowerTuner(LambdaApiClient api, TextWriter progress)
{
    /// <summary>The description of every version a tuning publishes (then the size, e.g. "nimbus power-tune: 512 MB").</summary>
    public const string VersionDescription = "nimbus power-tune: ";

    private static readonly TimeSpan UpdatePoll = TimeSpan.FromMilliseconds(200);
    private static readonly TimeSpan UpdateLimit = TimeSpan.FromMinutes(5);
    private static readonly TimeSpan CleanupLimit = TimeSpan.FromMinutes(2);

    /// <summary>After <see cref="RunAsync"/>: false when the function could not be left as it was (said on progress).</summary>
    public bool CleanedUp { get; private set; }

    public async Task<PowerTuningOutput> RunAsync(PowerTuningRequest request, CancellationToken cancellationToken)
    {
        var function = request.FunctionName;
        var original = await api.GetConfigurationAsync(function, null, cancellationToken);
        var baseCost = request.BaseCost ?? PowerTuningMath.BaseCost(original.Architecture);
        var existing = (await api.ListVersionsAsync(function, cancellationToken)).Keys.ToHashSet(StringComparer.Ordinal);
        var stats = new List<PowerStats>();
        var lambdaCost = 0.0;
        try
        {
            // A function still being created or updated refuses another update (409).
            await WaitAsync(function, null, cancellationToken);
            foreach (var power in request.PowerValues)
            {
                await api.SetMemoryAsync(function, power, cancellationToken);
                await WaitAsync(function, null, cancellationToken);
                var version = await api.PublishVersionAsync(function, VersionDescription + $"{power} MB", cancellationToken);
                await WaitAsync(function, version, cancellationToken);
                await progress.WriteLineAsync($"nimbus power-tune: {power} MB (version {version}): {request.Invocations} invocations{(request.Parallel ? " in parallel" : "")}");
                var reports = await InvokeAsync(function, version, power, request, cancellationToken);
                var billed = new double[reports.Length];
                var total = 0.0;
                for (var i = 0; i < reports.Length; i++)
                {
                    billed[i] = reports[i].BilledDurationMs;
                    total += PowerTuningMath.Price(power, billed[i], baseCost);
                }

                lambdaCost += total;
                var average = PowerTuningMath.TrimmedMean(billed, request.DiscardTopBottom);
                stats.Add(new PowerStats(power, average, PowerTuningMath.Price(power, average, baseCost), total));
            }
        }
        finally
        {
            // A fresh token: cleaned up even when the user interrupted (the run's token is cancelled then).
            using var limit = new CancellationTokenSource(CleanupLimit);
            CleanedUp = await CleanUpAsync(function, original.MemorySize, existing, limit.Token);
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
                tasks[i] = InvokeOnceAsync(function, version, power, request.Events[i], cancellationToken);
            }

            return await Task.WhenAll(tasks);
        }

        var reports = new InvocationReport[request.Invocations];
        for (var i = 0; i < reports.Length; i++)
        {
            reports[i] = await InvokeOnceAsync(function, version, power, request.Events[i], cancellationToken);
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
        try
        {
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
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new PowerTuningException($"{function}{(version is null ? "" : ":" + version)} was still being updated after {UpdateLimit.TotalMinutes} minutes");
        }
    }

    private async Task<bool> CleanUpAsync(string function, int memorySize, HashSet<string> existing, CancellationToken cancellationToken)
    {
        var failures = new List<string>();
        while (true)
        {
            try
            {
                await WaitAsync(function, null, cancellationToken);
                await api.SetMemoryAsync(function, memorySize, cancellationToken);
                break;
            }
            catch (PowerTuningException e) when (e.ErrorType == "ResourceConflictException" && !cancellationToken.IsCancellationRequested)
            {
                // Another update began between the wait and ours: wait for it too.
            }
#pragma warning disable CA1031 // Whatever failed, the versions below are still deleted, and the failure is said.
            catch (Exception e)
#pragma warning restore CA1031
            {
                failures.Add($"MemorySize {memorySize} not restored: {e.Message}");
                break;
            }
        }

        try
        {
            foreach (var (version, description) in await api.ListVersionsAsync(function, cancellationToken))
            {
                if (existing.Contains(version) || description?.StartsWith(VersionDescription, StringComparison.Ordinal) != true)
                {
                    continue;
                }

                try
                {
                    await api.DeleteVersionAsync(function, version, cancellationToken);
                }
#pragma warning disable CA1031 // One version left is said; the others are still deleted.
                catch (Exception e)
#pragma warning restore CA1031
                {
                    failures.Add($"version {version} not deleted: {e.Message}");
                }
            }
        }
#pragma warning disable CA1031 // Said, as the failures above.
        catch (Exception e)
#pragma warning restore CA1031
        {
            failures.Add($"the versions it published could not be listed: {e.Message}");
        }

        foreach (var failure in failures)
        {
            await progress.WriteLineAsync($"nimbus power-tune: clean-up incomplete: {failure}");
        }

        return failures.Count == 0;
    }

    private static string Shorten(string text) => text.Length <= 500 ? text : text[..500] + "…";
}
