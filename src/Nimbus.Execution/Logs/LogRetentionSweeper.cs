// SPDX-License-Identifier: Apache-2.0
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Nimbus.Core.Storage;

namespace Nimbus.Execution.Logs;

/// <summary>
/// Bounds stored logs: every <see cref="LogRetentionOptions.SweepInterval"/> (and once at start) deletes the events
/// older than their group's retention (PutRetentionPolicy), and every <see cref="LogRetentionOptions.CapCheckInterval"/>
/// drops the oldest events of a group over <see cref="LogRetentionOptions.MaxGroupBytes"/>, saying so once per trim
/// with the group and what went. A host without a log group store (unit tests) has nothing to sweep.
/// </summary>
internal sealed partial class LogRetentionSweeper(
    IServiceProvider services,
    IOptions<LogRetentionOptions> options,
    TimeProvider time,
    ILogger<LogRetentionSweeper> logger)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (services.GetService<ILogGroupStore>() is not { } store)
        {
            return;
        }

        var settings = options.Value;
        var capped = settings.MaxGroupBytes > 0;
        var tick = capped && settings.CapCheckInterval < settings.SweepInterval ? settings.CapCheckInterval : settings.SweepInterval;
        using var timer = new PeriodicTimer(tick, time);
        long? lastRetention = null;
        try
        {
            do
            {
                try
                {
                    if (lastRetention is not { } last || time.GetElapsedTime(last) >= settings.SweepInterval - (tick / 2))
                    {
                        lastRetention = time.GetTimestamp();
                        var deleted = await store.DeleteExpiredAsync(time.GetUtcNow().ToUnixTimeMilliseconds(), stoppingToken);
                        if (deleted > 0)
                        {
                            Log.Deleted(logger, deleted);
                        }
                    }

                    if (capped)
                    {
                        await TrimAsync(store, settings, stoppingToken);
                    }
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    Log.SweepFailed(logger, ex);
                }
            }
            while (await timer.WaitForNextTickAsync(stoppingToken));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    private async Task TrimAsync(ILogGroupStore store, LogRetentionOptions settings, CancellationToken cancellationToken)
    {
        var target = (long)(settings.MaxGroupBytes * Math.Clamp(settings.TrimToFraction, 0, 1));
        foreach (var trim in await store.TrimGroupsAsync(settings.MaxGroupBytes, target, cancellationToken))
        {
            Log.Trimmed(logger, trim.Group, trim.Account, trim.Region, settings.MaxGroupBytes, trim.Events, trim.Bytes);
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 3110, Level = LogLevel.Information, Message = "Deleted {Count} log events past their group's retention")]
        public static partial void Deleted(ILogger logger, long count);

        [LoggerMessage(EventId = 3111, Level = LogLevel.Warning, Message = "The log retention sweep failed; it runs again at the next interval")]
        public static partial void SweepFailed(ILogger logger, Exception exception);

        [LoggerMessage(
            EventId = 3112,
            Level = LogLevel.Warning,
            Message = "Log group {LogGroup} (account {Account}, {Region}) was over its size cap of {MaxBytes} bytes: dropped its {Events} oldest events ({Bytes} bytes)")]
        public static partial void Trimmed(ILogger logger, string logGroup, string account, string region, long maxBytes, long events, long bytes);
    }
}
