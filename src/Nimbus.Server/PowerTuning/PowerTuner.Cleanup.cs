// SPDX-License-Identifier: Apache-2.0
namespace Nimbus.Server.PowerTuning;

/// <summary>What a tuning leaves behind: the function as it was, or with <c>--auto-optimize</c> at the best size.</summary>
internal sealed partial class PowerTuner
{
    /// <summary>The description of the version <c>--auto-optimize-alias</c> publishes (kept: not <see cref="VersionDescription"/>).</summary>
    public const string OptimumDescription = "nimbus power-tune optimum: ";

    /// <summary>
    /// $LATEST gets its memory size (and, after cold starts, its own variables) back; the versions the tuning published
    /// are deleted. False when something could not be (said on progress).
    /// </summary>
    private async Task<bool> CleanUpAsync(string function, LambdaApiClient.FunctionState original, bool variablesChanged, HashSet<string> existing, CancellationToken cancellationToken)
    {
        var memorySize = original.MemorySize;
        var failures = new List<string>();
        while (true)
        {
            try
            {
                // A failed update does not keep the restore from being tried: only one in progress is waited for.
                await WaitAsync(function, null, cancellationToken, failedIsError: false);
                await api.UpdateAsync(function, memorySize, variablesChanged ? original.Variables : null, cancellationToken);
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
                failures.Add($"MemorySize {memorySize}{(variablesChanged ? " and the environment's variables" : "")} not restored: {e.Message}");
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

    /// <summary>
    /// <c>--auto-optimize</c>, as AWS Lambda Power Tuning's optimizer, after the clean-up: $LATEST at the best size,
    /// and with an alias a version published at it and the alias pointed there (created when missing); a version the
    /// alias could not be pointed at is deleted again.
    /// </summary>
    public async Task OptimizeAsync(string function, int power, string? alias, CancellationToken cancellationToken)
    {
        await WaitAsync(function, null, cancellationToken);
        await api.UpdateAsync(function, power, null, cancellationToken);
        await WaitAsync(function, null, cancellationToken);
        if (alias is null)
        {
            await progress.WriteLineAsync($"nimbus power-tune: $LATEST set to {power} MB");
            return;
        }

        var existing = (await api.ListVersionsAsync(function, cancellationToken)).Keys.ToHashSet(StringComparer.Ordinal);
        var version = await api.PublishVersionAsync(function, OptimumDescription + $"{power} MB", cancellationToken);
        try
        {
            await WaitAsync(function, version, cancellationToken);
            await api.PointAliasAsync(function, alias, version, cancellationToken);
        }
        catch when (!existing.Contains(version))
        {
            using var limit = new CancellationTokenSource(CleanupLimit);
            await DeleteEarlyAsync(function, [version], existing, limit.Token);
            throw;
        }

        await progress.WriteLineAsync($"nimbus power-tune: $LATEST set to {power} MB; alias {alias} points at version {version}");
    }
}
