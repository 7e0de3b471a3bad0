// SPDX-License-Identifier: Apache-2.0
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Nimbus.Core.Arns;
using Nimbus.Core.Errors;
using Nimbus.Core.Functions;
using Nimbus.Execution.Invocation;

namespace Nimbus.Events.Provisioned;

/// <summary>
/// Keeps provisioned concurrency warm: for every config, that many initialized environments of the version the
/// qualifier names (following an alias when it moves), replaced when one dies, and the config's status reported
/// back (IN_PROGRESS → READY, or FAILED with AWS's reason when the function's init fails). A failed config is not
/// retried until it is put again. Configs survive restarts; their environments are started again at start-up.
/// </summary>
public sealed partial class ProvisionedConcurrencyWorker(
    FunctionService functions,
    ConcurrencyService concurrency,
    IProvisionedEnvironments invoker,
    TimeProvider time,
    ILogger<ProvisionedConcurrencyWorker> logger) : BackgroundService
{
    private static readonly TimeSpan Tick = TimeSpan.FromMilliseconds(250);
    private static readonly TimeSpan ReloadEvery = TimeSpan.FromSeconds(5);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        IReadOnlyList<(Scope Scope, ProvisionedConcurrencyConfig Config)> configs = [];
        var loadedGeneration = -1;
        var loadedAt = DateTimeOffset.MinValue;
        var failed = new Dictionary<string, string>(StringComparer.Ordinal);
        using var timer = new PeriodicTimer(Tick, time);
        try
        {
            do
            {
                try
                {
                    var generation = concurrency.ProvisionedGeneration;
                    if (generation != loadedGeneration || time.GetUtcNow() - loadedAt > ReloadEvery)
                    {
                        configs = await concurrency.ListAllProvisionedConcurrencyAsync(stoppingToken);
                        loadedGeneration = generation;
                        loadedAt = time.GetUtcNow();
                    }

                    await ReconcileAsync(configs, failed, stoppingToken);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    Log.ReconcileFailed(logger, ex);
                }
            }
            while (await timer.WaitForNextTickAsync(stoppingToken));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping.
        }
    }

    private async Task ReconcileAsync(IReadOnlyList<(Scope Scope, ProvisionedConcurrencyConfig Config)> configs, Dictionary<string, string> failed, CancellationToken cancellationToken)
    {
        var wanted = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (scope, config) in configs)
        {
            var key = $"{scope.Account}:{scope.Region}:{config.FunctionName}:{config.Qualifier}";
            wanted.Add(key);
            wanted.Add(key + "|additional");
            if (failed.TryGetValue(key, out var failedRevision) && failedRevision == config.Revision)
            {
                continue;
            }

            InvokeTarget target;
            try
            {
                target = await functions.GetForInvokeAsync(scope, config.FunctionName, config.Qualifier, cancellationToken);
            }
            catch (LambdaException ex) when (ex.ErrorType == LambdaErrors.ResourceNotFoundType)
            {
                continue; // Deleted meanwhile; the next reload drops the config.
            }

            // A version still being created is provisioned once it is Active. With a weighted alias the environments
            // are split by the routing weight, as on AWS (at least one for each version that gets traffic).
            var outbound = FunctionTags.OutboundNetworkOf(target.Record.Tags);
            var additionalCount = target.Additional is null ? 0 : (int)Math.Round(config.Requested * target.AdditionalWeight, MidpointRounding.AwayFromZero);
            var primaryCount = config.Requested - additionalCount;
            if (target.Primary.State != FunctionStates.Active || target.Additional is { State: not FunctionStates.Active })
            {
                continue;
            }

            var status = await invoker.EnsureProvisionedAsync(key, scope, target.Primary, outbound, primaryCount, cancellationToken);
            var additionalKey = key + "|additional";
            if (target.Additional is { } additional && additionalCount > 0 && status.Failure is null)
            {
                var second = await invoker.EnsureProvisionedAsync(additionalKey, scope, additional, outbound, additionalCount, cancellationToken);
                status = new ProvisionedStatus(status.Ready + second.Ready, second.Failure);
            }
            else
            {
                invoker.ReleaseProvisioned(additionalKey);
            }

            var reported = config with
            {
                Allocated = status.Ready,
                Available = status.Ready,
                Status = status.Failure is not null
                    ? ProvisionedConcurrencyConfig.Failed
                    : status.Ready >= config.Requested ? ProvisionedConcurrencyConfig.Ready : ProvisionedConcurrencyConfig.InProgress,
                StatusReason = status.Failure,
            };
            if (status.Failure is not null)
            {
                failed[key] = config.Revision;
                invoker.ReleaseProvisioned(key);
                invoker.ReleaseProvisioned(additionalKey);
                Log.InitFailed(logger, config.FunctionName, config.Qualifier);
            }

            if (reported != config)
            {
                await concurrency.ReportProvisionedConcurrencyAsync(scope, reported, cancellationToken);
            }
        }

        foreach (var key in invoker.ProvisionedKeys)
        {
            if (!wanted.Contains(key))
            {
                invoker.ReleaseProvisioned(key);
            }
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 4100, Level = LogLevel.Warning, Message = "Keeping provisioned concurrency warm failed; retrying")]
        public static partial void ReconcileFailed(ILogger logger, Exception exception);

        [LoggerMessage(EventId = 4101, Level = LogLevel.Warning, Message = "Provisioned concurrency of {FunctionName}:{Qualifier} failed: the function's init failed")]
        public static partial void InitFailed(ILogger logger, string functionName, string qualifier);
    }
}
