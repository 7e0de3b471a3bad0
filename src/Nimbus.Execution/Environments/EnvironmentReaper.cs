// SPDX-License-Identifier: Apache-2.0
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Nimbus.Execution.Invocation;

namespace Nimbus.Execution.Environments;

/// <summary>Reclaims idle environments past the idle timeout or their lifetime; on stop, shuts every environment down.</summary>
internal sealed partial class EnvironmentReaper(
    Invoker invoker,
    IOptions<ExecutionOptions> options,
    TimeProvider time,
    IHostApplicationLifetime lifetime,
    ILogger<EnvironmentReaper> logger)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // From the stop's first moment (before the API and the event workers stop), invocations that end count
        // as drained or cut short by it.
        using var stopping = lifetime.ApplicationStopping.Register(invoker.BeginStop);

        // Check often enough that an environment lives at most a few seconds past its idle timeout.
        var period = TimeSpan.FromTicks(Math.Clamp(options.Value.IdleTimeout.Ticks / 4, TimeSpan.FromMilliseconds(100).Ticks, TimeSpan.FromSeconds(30).Ticks));
        using var timer = new PeriodicTimer(period, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                try
                {
                    var reclaimed = await invoker.ReclaimAsync();
                    if (reclaimed > 0)
                    {
                        Log.Reclaimed(logger, reclaimed);
                    }
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    Log.ReclaimFailed(logger, ex);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);

        // Before the log writer stops (it was registered first, so it stops after this): the lines of invocations
        // cut short by the stop are handed to it before its last flush.
        await invoker.ShutdownAsync(cancellationToken);
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 3300, Level = LogLevel.Debug, Message = "Reclaimed {Count} idle environments")]
        public static partial void Reclaimed(ILogger logger, int count);

        [LoggerMessage(EventId = 3301, Level = LogLevel.Warning, Message = "Reclaiming idle environments failed")]
        public static partial void ReclaimFailed(ILogger logger, Exception exception);
    }
}
