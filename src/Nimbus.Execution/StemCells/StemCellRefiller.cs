// SPDX-License-Identifier: Apache-2.0
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Nimbus.Execution.Environments;
using Nimbus.Execution.Sandboxes;

namespace Nimbus.Execution.StemCells;

/// <summary>
/// Keeps the stem-cell pool at its targets in the background, at low priority: one cell at a time (never a burst of
/// container starts competing with invocations), each started with a small CPU share until it is specialized.
/// Woken by every cold start; otherwise it looks again each second, as demand ages out of its window (and writes
/// the runtimes' last cold starts down when they changed: <see cref="StemCellPool.SaveDemand"/>). It begins once
/// the host has started: a cell's sandbox binds the platform's socket only if it exists when the cell is made, and the
/// server makes it when it listens.
/// </summary>
internal sealed partial class StemCellRefiller(StemCellPool pool, TimeProvider time, IHostApplicationLifetime lifetime, ILogger<StemCellRefiller> logger) : BackgroundService
{
    private static readonly TimeSpan s_lookAgain = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan s_maxBackoff = TimeSpan.FromSeconds(30);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!pool.Enabled)
        {
            return;
        }

        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using (lifetime.ApplicationStarted.Register(() => started.TrySetResult()))
        {
            try
            {
                await started.Task.WaitAsync(stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }

        var retire = new List<ExecutionEnvironment>();
        var failures = 0;
        while (!stoppingToken.IsCancellationRequested)
        {
            var next = pool.Next(retire);
            pool.SaveDemand();
            foreach (var cell in retire)
            {
                await cell.DisposeAsync();
            }

            retire.Clear();
            if (next is not { } key)
            {
                await pool.WaitAsync(s_lookAgain, stoppingToken);
                continue;
            }

            try
            {
                await pool.AddAsync(key, stoppingToken);
                failures = 0;
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is SandboxStartException or IOException or UnauthorizedAccessException or System.Net.Sockets.SocketException)
            {
                failures++;
                var backoff = TimeSpan.FromTicks(Math.Min(s_maxBackoff.Ticks, TimeSpan.FromSeconds(1).Ticks << Math.Min(failures, 10)));
                Log.StartFailed(logger, e, key.RuntimeId, backoff.TotalSeconds);
                try
                {
                    await Task.Delay(backoff, time, stoppingToken);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }

    /// <summary>Stops refilling, then shuts every waiting cell down (they hold containers and mounts on the host).</summary>
    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        await pool.DisposeAsync();
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 3401, Level = LogLevel.Warning, Message = "A stem cell of {Runtime} could not be started; trying again in {Seconds} s")]
        public static partial void StartFailed(ILogger logger, Exception exception, string runtime, double seconds);
    }
}
