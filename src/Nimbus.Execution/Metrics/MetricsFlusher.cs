// SPDX-License-Identifier: Apache-2.0
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Nimbus.Core.Metrics;

namespace Nimbus.Execution.Metrics;

/// <summary>
/// At each minute boundary: samples the gauges (<see cref="IMetricGaugeSource"/>), stores the finished minutes, and
/// every <see cref="MetricsOptions.SweepInterval"/> deletes points past retention or beyond the size cap. At shutdown
/// it stores every minute still in memory, the current one included.
/// </summary>
internal sealed partial class MetricsFlusher(
    IServiceProvider services,
    IEnumerable<IMetricGaugeSource> gauges,
    IOptions<MetricsOptions> options,
    TimeProvider time,
    ILogger<MetricsFlusher> logger)
    : BackgroundService
{
    private readonly IMetricGaugeSource[] _gauges = [.. gauges];

    // A host without the metric store (unit tests of the execution layer) has nothing to flush.
    private readonly MetricsService? _metrics = services.GetService(typeof(MetricsService)) as MetricsService;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (_metrics is not { Aggregator.Enabled: true } metrics)
        {
            return;
        }

        var nextSweep = time.GetUtcNow();
        try
        {
            while (true)
            {
                await SampleAsync(stoppingToken);
                await FlushAsync(all: false, stoppingToken);
                if (time.GetUtcNow() >= nextSweep)
                {
                    await SweepAsync(stoppingToken);
                    nextSweep = time.GetUtcNow() + options.Value.SweepInterval;
                }

                // A second past the boundary, so the minute that just ended is complete.
                var now = time.GetUtcNow().ToUnixTimeMilliseconds();
                var next = MetricsAggregator.MinuteOf(now) + 61_000;
                await Task.Delay(TimeSpan.FromMilliseconds(next - now), time, stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        if (_metrics is { Aggregator.Enabled: true })
        {
            await FlushAsync(all: true, CancellationToken.None);
        }
    }

    private async Task SampleAsync(CancellationToken cancellationToken)
    {
        foreach (var gauge in _gauges)
        {
            try
            {
                await gauge.SampleAsync(_metrics!.Aggregator, cancellationToken); // Only called once _metrics is known.
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                Log.SampleFailed(logger, ex);
            }
        }
    }

    private async Task FlushAsync(bool all, CancellationToken cancellationToken)
    {
        try
        {
            await _metrics!.FlushAsync(all, cancellationToken); // Only called once _metrics is known.
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            Log.FlushFailed(logger, ex);
        }
    }

    private async Task SweepAsync(CancellationToken cancellationToken)
    {
        try
        {
            var deleted = await _metrics!.SweepAsync( // Only called once _metrics is known.
                options.Value.Retention, options.Value.MaxPoints, cancellationToken);
            if (deleted > 0)
            {
                Log.Swept(logger, deleted);
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            Log.SweepFailed(logger, ex);
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 3130, Level = LogLevel.Warning, Message = "Storing metrics failed; the points are dropped")]
        public static partial void FlushFailed(ILogger logger, Exception exception);

        [LoggerMessage(EventId = 3131, Level = LogLevel.Information, Message = "Deleted {Count} metric points past retention or the size cap")]
        public static partial void Swept(ILogger logger, long count);

        [LoggerMessage(EventId = 3132, Level = LogLevel.Warning, Message = "The metrics sweep failed; it runs again at the next interval")]
        public static partial void SweepFailed(ILogger logger, Exception exception);

        [LoggerMessage(EventId = 3133, Level = LogLevel.Warning, Message = "Sampling a metric gauge failed")]
        public static partial void SampleFailed(ILogger logger, Exception exception);
    }
}
