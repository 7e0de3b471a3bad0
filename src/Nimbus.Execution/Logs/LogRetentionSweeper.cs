// SPDX-License-Identifier: Apache-2.0
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Nimbus.Core.Storage;

namespace Nimbus.Execution.Logs;

/// <summary>
/// Enforces PutRetentionPolicy: every <see cref="LogRetentionOptions.SweepInterval"/> (and once at start), deletes the
/// events older than their group's retention. A host without a log group store (unit tests) has nothing to sweep.
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

        using var timer = new PeriodicTimer(options.Value.SweepInterval, time);
        try
        {
            do
            {
                try
                {
                    var deleted = await store.DeleteExpiredAsync(time.GetUtcNow().ToUnixTimeMilliseconds(), stoppingToken);
                    if (deleted > 0)
                    {
                        Log.Deleted(logger, deleted);
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

    private static partial class Log
    {
        [LoggerMessage(EventId = 3110, Level = LogLevel.Information, Message = "Deleted {Count} log events past their group's retention")]
        public static partial void Deleted(ILogger logger, long count);

        [LoggerMessage(EventId = 3111, Level = LogLevel.Warning, Message = "The log retention sweep failed; it runs again at the next interval")]
        public static partial void SweepFailed(ILogger logger, Exception exception);
    }
}
