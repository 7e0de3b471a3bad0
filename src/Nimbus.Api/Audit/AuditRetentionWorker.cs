// SPDX-License-Identifier: Apache-2.0
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Nimbus.Core.Storage;

namespace Nimbus.Api.Audit;

/// <summary>Deletes audit events older than <see cref="AuditOptions.Retention"/>, at start and every <see cref="AuditOptions.SweepInterval"/>.</summary>
internal sealed partial class AuditRetentionWorker(IAuditStore store, IOptions<AuditOptions> options, TimeProvider time, ILogger<AuditRetentionWorker> logger) : BackgroundService
{
    private readonly AuditOptions _options = options.Value;

    /// <summary>One sweep; returns how many events it deleted.</summary>
    public async Task<int> SweepAsync(CancellationToken cancellationToken)
    {
        var deleted = await store.DeleteBeforeAsync(time.GetUtcNow() - _options.Retention, cancellationToken);
        if (deleted > 0)
        {
            Log.Swept(logger, deleted, _options.Retention.TotalDays);
        }

        return deleted;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await SweepAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                Log.SweepFailed(logger, e);
            }

            try
            {
                await Task.Delay(_options.SweepInterval, time, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 1, Level = LogLevel.Information, Message = "Audit trail: deleted {Count} events older than {Days} days")]
        public static partial void Swept(ILogger logger, int count, double days);

        [LoggerMessage(EventId = 2, Level = LogLevel.Error, Message = "Audit trail: the retention sweep failed")]
        public static partial void SweepFailed(ILogger logger, Exception exception);
    }
}
