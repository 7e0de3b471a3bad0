// SPDX-License-Identifier: Apache-2.0
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Nimbus.Events.Queues;

/// <summary>
/// Removes messages past their queue's retention period from storage. Receives never deliver them and counts leave
/// them out in any case; this only gives the room back, a few thousand at a time, every minute.
/// </summary>
internal sealed partial class QueueRetentionWorker(QueueService queues, TimeProvider time, ILogger<QueueRetentionWorker> logger) : BackgroundService
{
    private static readonly TimeSpan s_interval = TimeSpan.FromMinutes(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(s_interval, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                try
                {
                    var deleted = await queues.DeleteExpiredMessagesAsync(stoppingToken);
                    if (deleted > 0)
                    {
                        Log.Expired(logger, deleted);
                    }
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    Log.SweepFailed(logger, ex);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down.
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 4310, Level = LogLevel.Debug, Message = "Removed {Count} messages past their retention period")]
        public static partial void Expired(ILogger logger, int count);

        [LoggerMessage(EventId = 4311, Level = LogLevel.Warning, Message = "Removing expired queue messages failed; trying again later")]
        public static partial void SweepFailed(ILogger logger, Exception exception);
    }
}
