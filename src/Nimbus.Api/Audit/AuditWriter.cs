// SPDX-License-Identifier: Apache-2.0
using System.Threading.Channels;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Nimbus.Core.Audit;
using Nimbus.Core.Storage;

namespace Nimbus.Api.Audit;

/// <summary>
/// Writes the audit trail off the request path: events queue here and one loop appends whatever has gathered in one
/// transaction (group commit). A management event's task completes once its batch is committed with a sync to disk,
/// and the middleware answers only then; it is written at once. Data events are not waited for: they gather for up to
/// <see cref="DataFlushInterval"/> (or until a management event or a full batch comes) so that a stream of invocations
/// costs one transaction per interval rather than one each, are committed without a sync of their own, and are dropped
/// (and counted in the log) while more than <see cref="MaxPendingData"/> wait, rather than slow the calls they record.
/// </summary>
internal sealed partial class AuditWriter(IAuditStore store, TimeProvider time, ILogger<AuditWriter> logger) : BackgroundService
{
    public const int MaxPendingData = 10_000;
    public static readonly TimeSpan DataFlushInterval = TimeSpan.FromMilliseconds(100);
    private const int MaxBatch = 512;

    private TaskCompletionSource _urgent = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _pendingManagement;

    private readonly Channel<Pending> _queue = Channel.CreateUnbounded<Pending>(new UnboundedChannelOptions { SingleReader = true });
    private int _pendingData;
    private long _dropped;

    /// <summary>Queues a management event; the task completes when it is durably committed.</summary>
    public Task WriteAsync(AuditEvent e)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Interlocked.Increment(ref _pendingManagement);
        if (!_queue.Writer.TryWrite(new Pending(e, done)))
        {
            Interlocked.Decrement(ref _pendingManagement);
            done.TrySetResult();
        }

        // The writer may be gathering data events: a management call does not wait for that.
        Volatile.Read(ref _urgent).TrySetResult();
        return done.Task;
    }

    /// <summary>Queues a data event, not waited for.</summary>
    public void Post(AuditEvent e)
    {
        if (Interlocked.Increment(ref _pendingData) > MaxPendingData)
        {
            Interlocked.Decrement(ref _pendingData);
            Interlocked.Increment(ref _dropped);
            return;
        }

        if (!_queue.Writer.TryWrite(new Pending(e, null)))
        {
            Interlocked.Decrement(ref _pendingData);
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var batch = new List<Pending>(MaxBatch);
        var events = new List<AuditEvent>(MaxBatch);
        var reader = _queue.Reader;
        try
        {
            while (await reader.WaitToReadAsync(stoppingToken))
            {
                if (Volatile.Read(ref _pendingManagement) == 0 && Volatile.Read(ref _pendingData) < MaxBatch)
                {
                    var urgent = Volatile.Read(ref _urgent).Task;
                    await Task.WhenAny(urgent, Task.Delay(DataFlushInterval, time, stoppingToken));
                    stoppingToken.ThrowIfCancellationRequested();
                    if (urgent.IsCompleted)
                    {
                        Interlocked.Exchange(ref _urgent, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
                    }
                }

                await DrainAsync(reader, batch, events, CancellationToken.None);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping: what has been queued is still written.
            _queue.Writer.TryComplete();
            while (reader.TryPeek(out _))
            {
                await DrainAsync(reader, batch, events, CancellationToken.None);
            }
        }
    }

    private async Task DrainAsync(ChannelReader<Pending> reader, List<Pending> batch, List<AuditEvent> events, CancellationToken cancellationToken)
    {
        batch.Clear();
        events.Clear();
        var durable = false;
        while (batch.Count < MaxBatch && reader.TryRead(out var pending))
        {
            batch.Add(pending);
            durable |= pending.Done is not null;
            events.Add(AuditRecord.Build(pending.Event));
        }

        try
        {
            await store.AppendAsync(events, durable, cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // The calls were answered (or are being answered) already; the trail says it lost them.
            Log.WriteFailed(logger, e, batch.Count);
        }

        var dataWritten = 0;
        foreach (var pending in batch)
        {
            if (pending.Done is { } done)
            {
                Interlocked.Decrement(ref _pendingManagement);
                done.TrySetResult();
            }
            else
            {
                dataWritten++;
            }
        }

        Interlocked.Add(ref _pendingData, -dataWritten);
        if (Interlocked.Exchange(ref _dropped, 0) is var dropped and > 0)
        {
            Log.Dropped(logger, dropped, MaxPendingData);
        }
    }

    private readonly record struct Pending(AuditEvent Event, TaskCompletionSource? Done);

    private static partial class Log
    {
        [LoggerMessage(EventId = 1, Level = LogLevel.Error, Message = "Could not write {Count} audit events")]
        public static partial void WriteFailed(ILogger logger, Exception exception, int count);

        [LoggerMessage(EventId = 2, Level = LogLevel.Warning, Message = "Dropped {Count} audit data events: more than {Limit} were waiting to be written")]
        public static partial void Dropped(ILogger logger, long count, int limit);
    }
}
