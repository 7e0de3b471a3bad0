// SPDX-License-Identifier: Apache-2.0
using System.Threading.Channels;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Nimbus.Core.Functions;
using Nimbus.Core.Mappings;
using Nimbus.Core.Metrics;
using Nimbus.Core.Storage;
using Nimbus.Events.Async;
using Nimbus.Execution.Invocation;

namespace Nimbus.Events.Mappings;

/// <summary>
/// Runs the pollers of every enabled event source mapping and completes the state machine: Creating, Enabling and
/// Updating become Enabled (or Disabled) once the pollers run with the new settings, Disabling becomes Disabled once
/// they stopped, and a Deleting mapping is removed after its pollers stopped. Mappings survive restarts.
/// </summary>
public sealed partial class EventSourceMappingWorker(
    IEventSourceMappingStore store,
    EventSourceMappingService mappings,
    FunctionResolver functions,
    IInvocationService invoker,
    TimeProvider time,
    ILogger<EventSourceMappingWorker> logger,
    IQueueSource? source = null,
    IQueueDestination? deadLetters = null,
    FunctionRoleAccess? roles = null,
    IMetricsRecorder? metrics = null) : BackgroundService
{
    /// <summary>A reload now and then catches what no signal reports (a queue created or deleted meanwhile).</summary>
    private static readonly TimeSpan ReloadEvery = TimeSpan.FromSeconds(5);
    private readonly Dictionary<string, MappingPoller> _pollers = new(StringComparer.Ordinal);
    private readonly Channel<bool> _wake = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });

    /// <summary>Wakes the worker: a mapping changed, or a poller has a new LastProcessingResult to report.</summary>
    private void Wake() => _wake.Writer.TryWrite(true);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (source is null)
        {
            Log.NoQueueService(logger);
            return;
        }

        var loadedGeneration = -1;
        var loadedAt = DateTimeOffset.MinValue;
        IReadOnlyList<EventSourceMapping> current = [];
        mappings.Changed += Wake;
        try
        {
            while (true)
            {
                var again = false;
                try
                {
                    var generation = mappings.Generation;
                    if (generation != loadedGeneration || time.GetUtcNow() - loadedAt > ReloadEvery)
                    {
                        current = await store.ListEventSourceMappingsAsync(null, null, null, stoppingToken);
                        loadedGeneration = generation;
                        loadedAt = time.GetUtcNow();
                    }

                    if (await ReconcileAsync(current, source, stoppingToken))
                    {
                        // This round changed a stored mapping: go again at once with what is stored now.
                        loadedGeneration = -1;
                        again = true;
                    }
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    Log.ReconcileFailed(logger, ex);
                }

                if (!again)
                {
                    await WaitAsync(stoppingToken);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping.
        }
        finally
        {
            mappings.Changed -= Wake;
            foreach (var poller in _pollers.Values)
            {
                await poller.DisposeAsync();
            }

            _pollers.Clear();
        }
    }

    /// <summary>Brings the pollers in line with the mappings; true when it changed a stored mapping.</summary>
    private async Task<bool> ReconcileAsync(IReadOnlyList<EventSourceMapping> all, IQueueSource queues, CancellationToken cancellationToken)
    {
        var changed = false;
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var mapping in all)
        {
            seen.Add(mapping.Uuid);
            _pollers.TryGetValue(mapping.Uuid, out var poller);
            if (mapping.State == EventSourceMappingStates.Deleting)
            {
                await StopAsync(mapping.Uuid);
                await store.DeleteEventSourceMappingAsync(mapping.Uuid, cancellationToken);
                changed = true;
                continue;
            }

            if (mapping.IsPolling)
            {
                if (poller is null || poller.Mapping.LastModified != mapping.LastModified)
                {
                    await StopAsync(mapping.Uuid);
                    poller = new MappingPoller(mapping, queues, deadLetters, functions, invoker, time, logger, cancellationToken, Wake, roles, metrics);
                    _pollers[mapping.Uuid] = poller;
                    poller.Start();
                }
            }
            else
            {
                await StopAsync(mapping.Uuid);
                poller = null;
            }

            var settled = mapping.Enabled ? EventSourceMappingStates.Enabled : EventSourceMappingStates.Disabled;
            var result = poller?.LastProcessingResult ?? mapping.LastProcessingResult;
            if (mapping.State != settled || result != mapping.LastProcessingResult)
            {
                // The pollers follow the mapping now: the change is complete. LastModified stays the user's.
                if (await mappings.SettleAsync(mapping, settled, result, cancellationToken) is { } next)
                {
                    changed = true;
                    if (poller is not null)
                    {
                        poller.Retarget(next);
                    }
                }
            }
        }

        foreach (var uuid in _pollers.Keys.ToList())
        {
            if (!seen.Contains(uuid))
            {
                await StopAsync(uuid);
            }
        }

        return changed;
    }

    /// <summary>Waits for a change or a poller's new result, or at most <see cref="ReloadEvery"/>.</summary>
    private async Task WaitAsync(CancellationToken stoppingToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        try
        {
            await _wake.Reader.WaitToReadAsync(timeout.Token).AsTask().WaitAsync(ReloadEvery, time, stoppingToken);
        }
        catch (TimeoutException)
        {
            // Reload anyway.
        }
        finally
        {
            await timeout.CancelAsync();
        }

        _wake.Reader.TryRead(out _);
    }

    private async Task StopAsync(string uuid)
    {
        if (_pollers.Remove(uuid, out var poller))
        {
            await poller.DisposeAsync();
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 4210, Level = LogLevel.Warning, Message = "Event source mappings could not be brought up to date; retrying")]
        public static partial void ReconcileFailed(ILogger logger, Exception exception);

        [LoggerMessage(EventId = 4211, Level = LogLevel.Warning, Message = "No queue service is registered: event source mappings are stored but not polled")]
        public static partial void NoQueueService(ILogger logger);
    }
}
