// SPDX-License-Identifier: Apache-2.0
using System.Text.Json.Nodes;
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
internal sealed partial class PowerTuner(LambdaApiClient api, TextWriter progress)
{
    /// <summary>The description of every version a tuning publishes (then the size, e.g. "nimbus power-tune: 512 MB").</summary>
    public const string VersionDescription = "nimbus power-tune: ";

    /// <summary>
    /// The variable set to make each version of <see cref="PowerTuningRequest.OnlyColdStarts"/> new (PublishVersion
    /// makes none when nothing changed), as AWS Lambda Power Tuning did until 2024 (it now changes $LATEST's
    /// description, which Nimbus's PublishVersion does not count); the function's own variables are given back after.
    /// </summary>
    public const string ColdStartVariable = "LambdaPowerTuningForceColdStart";

    /// <summary>The versions of a size once measured, but those there before (the clean-up retries any left).</summary>
    private async Task DeleteEarlyAsync(string function, string[] versions, HashSet<string> existing, CancellationToken cancellationToken)
    {
        foreach (var version in versions.Distinct())
        {
            if (existing.Contains(version))
            {
                continue;
            }

            try
            {
                await api.DeleteVersionAsync(function, version, cancellationToken);
            }
            catch (PowerTuningException)
            {
                // Left for the clean-up, which says what it could not delete.
            }
        }
    }

    private static readonly TimeSpan UpdatePoll = TimeSpan.FromMilliseconds(200);
    private static readonly TimeSpan UpdateLimit = TimeSpan.FromMinutes(5);
    private static readonly TimeSpan CleanupLimit = TimeSpan.FromMinutes(2);

    /// <summary>After <see cref="RunAsync"/>: false when the function could not be left as it was (said on progress).</summary>
    public bool CleanedUp { get; private set; }

    public async Task<PowerTuningOutput> RunAsync(PowerTuningRequest request, CancellationToken cancellationToken)
    {
        var function = request.FunctionName;
        var original = await api.GetConfigurationAsync(function, null, cancellationToken);
        if (request.OnlyColdStarts && original.VariablesError is { } unreadable)
        {
            throw new PowerTuningException($"--only-cold-starts would replace {function}'s environment variables, which could not be read ({unreadable})");
        }

        // A processor that cannot be found stops the tuning before anything is changed.
        foreach (var processor in (string?[])[request.PreProcessor, request.PostProcessor])
        {
            if (processor is not null)
            {
                _ = await api.GetConfigurationAsync(processor, null, cancellationToken);
            }
        }

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
                var versions = await PublishAsync(function, power, request, original.Variables, cancellationToken);
                var reports = await InvokeAsync(function, versions, power, request, cancellationToken);

                // Gone as soon as measured, with their environments: --only-cold-starts makes one per invocation.
                await DeleteEarlyAsync(function, versions, existing, cancellationToken);
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
            CleanedUp = await CleanUpAsync(function, original, request.OnlyColdStarts, existing, limit.Token);
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

    /// <summary>
    /// $LATEST at <paramref name="power"/>, published: one version for every invocation of the size, or with
    /// <see cref="PowerTuningRequest.OnlyColdStarts"/> one per invocation (each new, so each invocation starts an
    /// environment), told apart by <see cref="ColdStartVariable"/> among the function's own variables.
    /// </summary>
    private async Task<string[]> PublishAsync(string function, int power, PowerTuningRequest request, string variables, CancellationToken cancellationToken)
    {
        var versions = new string[request.OnlyColdStarts ? request.Invocations : 1];
        for (var i = 0; i < versions.Length; i++)
        {
            var forced = request.OnlyColdStarts ? WithVariable(variables, ColdStartVariable, $"{power}-{i}") : null;
            await api.UpdateAsync(function, power, forced, cancellationToken);
            await WaitAsync(function, null, cancellationToken);
            var description = VersionDescription + (request.OnlyColdStarts ? $"{power} MB, cold start {i + 1}" : $"{power} MB");
            versions[i] = await api.PublishVersionAsync(function, description, cancellationToken);
            await WaitAsync(function, versions[i], cancellationToken);
        }

        await progress.WriteLineAsync(
            $"nimbus power-tune: {power} MB ({(versions.Length == 1 ? "version " + versions[0] : $"versions {versions[0]}–{versions[^1]}")}): " +
            $"{request.Invocations} invocations{(request.OnlyColdStarts ? ", each a cold start" : "")}{(request.Parallel ? " in parallel" : "")}");
        return versions;
    }

    private async Task<InvocationReport[]> InvokeAsync(string function, string[] versions, int power, PowerTuningRequest request, CancellationToken cancellationToken)
    {
        if (request.Parallel)
        {
            var tasks = new Task<InvocationReport>[request.Invocations];
            for (var i = 0; i < tasks.Length; i++)
            {
                tasks[i] = InvokeOnceAsync(function, versions[Math.Min(i, versions.Length - 1)], power, request.Events[i], request, cancellationToken);
            }

            return await Task.WhenAll(tasks);
        }

        var reports = new InvocationReport[request.Invocations];
        for (var i = 0; i < reports.Length; i++)
        {
            if (i > 0 && request.SleepBetweenRunsMs > 0)
            {
                await Task.Delay(request.SleepBetweenRunsMs, cancellationToken);
            }

            reports[i] = await InvokeOnceAsync(function, versions[Math.Min(i, versions.Length - 1)], power, request.Events[i], request, cancellationToken);
        }

        return reports;
    }

    /// <summary>
    /// One invocation, between the processors when there are: the pre-processor's output (when not empty) is the event
    /// instead, and the post-processor gets the function's output, even when the function failed (as AWS Lambda Power
    /// Tuning does). Neither processor's time counts.
    /// </summary>
    private async Task<InvocationReport> InvokeOnceAsync(string function, string version, int power, string payload, PowerTuningRequest request, CancellationToken cancellationToken)
    {
        if (request.PreProcessor is { } pre)
        {
            var output = await ProcessAsync(pre, "pre-processor", payload, cancellationToken);
            payload = output.Length > 0 ? output : payload;
        }

        var invocation = await api.InvokeAsync(function, version, payload, cancellationToken);
        if (request.PostProcessor is { } post)
        {
            await ProcessAsync(post, "post-processor", invocation.Payload, cancellationToken);
        }

        if (invocation.FunctionError is { } error)
        {
            throw new PowerTuningException($"the function failed at {power} MB ({error}): {Shorten(invocation.Payload)}");
        }

        return InvocationReport.TryParse(invocation.Log, out var report)
            ? report
            : throw new PowerTuningException($"the invocation at {power} MB returned no REPORT line in its log tail");
    }

    private async Task<string> ProcessAsync(string processor, string role, string payload, CancellationToken cancellationToken)
    {
        var invocation = await api.InvokeAsync(processor, null, payload, cancellationToken);
        return invocation.FunctionError is { } error
            ? throw new PowerTuningException($"the {role} {processor} failed ({error}): {Shorten(invocation.Payload)}")
            : invocation.Payload;
    }

    /// <summary>The variables (a JSON object) with <paramref name="name"/> set to <paramref name="value"/>.</summary>
    private static string WithVariable(string variables, string name, string value)
    {
        var json = JsonNode.Parse(variables)?.AsObject() ?? [];
        json[name] = value;
        return json.ToJsonString();
    }

    /// <summary>Waits while $LATEST's update (or a new version's creation) is in progress; a failed one is an error.</summary>
    private async Task WaitAsync(string function, string? version, CancellationToken cancellationToken, bool failedIsError = true)
    {
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(UpdateLimit);
        try
        {
            while (true)
            {
                var state = await api.GetConfigurationAsync(function, version, limit.Token);
                if (failedIsError && (state.State == "Failed" || state.LastUpdateStatus == "Failed"))
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

    private static string Shorten(string text) => text.Length <= 500 ? text : text[..500] + "…";
}
