// SPDX-License-Identifier: Apache-2.0
using System.Threading.Channels;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Nimbus.Core.Arns;
using Nimbus.Core.Storage;

namespace Nimbus.Execution.Logs;

/// <summary>
/// Persists function logs off the invoke path: invocations hand their lines to a channel (a long phase's as they come:
/// <see cref="Environments.LogBuffer"/>), and this loop writes them to the log store in batches. As with CloudWatch
/// Logs, lines arrive shortly after they were written.
/// </summary>
internal sealed partial class FunctionLogWriter : BackgroundService
{
    private const int MaxBatchesPerWrite = 4096;

    /// <summary>Batches that may wait for the store; past that the oldest is dropped.</summary>
    private const int MaxQueuedBatches = 10_000;

    /// <summary>
    /// Memory the waiting lines may take (<see cref="Cost"/>): past that (functions writing without pause faster than the
    /// store takes it) batches are dropped, counted and reported in the server's log, so that the server's memory stays
    /// bounded whatever functions print.
    /// </summary>
    private const long MaxQueuedBytes = 128L * 1024 * 1024;

    /// <summary>A waiting event's memory besides its text: the event, its string's header, its slot in the batch.</summary>
    private const int EventOverhead = 80;

    /// <summary>How long lines may wait to be written together (CloudWatch Logs itself shows lines seconds later).</summary>
    private static readonly TimeSpan FlushDelay = TimeSpan.FromMilliseconds(100);

    private readonly ILogStore _store;
    private readonly TimeProvider _time;
    private readonly ILogger<FunctionLogWriter> _logger;
    private readonly long _maxQueuedBytes;
    private readonly Channel<LogBatch> _batches;
    private long _queuedBytes;
    private long _droppedBatches;

    public FunctionLogWriter(ILogStore store, TimeProvider time, ILogger<FunctionLogWriter> logger, long maxQueuedBytes = MaxQueuedBytes)
    {
        _store = store;
        _time = time;
        _logger = logger;
        _maxQueuedBytes = maxQueuedBytes;
        _batches = Channel.CreateBounded<LogBatch>(
            new BoundedChannelOptions(MaxQueuedBatches) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true },
            Dropped);
    }

    public void Write(Scope scope, string group, string stream, IReadOnlyList<LogEvent> events)
    {
        var batch = new LogBatch(scope, group, stream, events);
        var cost = Cost(batch);
        if (Interlocked.Add(ref _queuedBytes, cost) > _maxQueuedBytes || !_batches.Writer.TryWrite(batch))
        {
            Interlocked.Add(ref _queuedBytes, -cost);
            Interlocked.Increment(ref _droppedBatches);
        }
    }

    /// <summary>The channel dropped its oldest batch (<see cref="MaxQueuedBatches"/> were waiting).</summary>
    private void Dropped(LogBatch batch)
    {
        Interlocked.Add(ref _queuedBytes, -Cost(batch));
        Interlocked.Increment(ref _droppedBatches);
    }

    /// <summary>About what a batch holds in memory: UTF-16 text and <see cref="EventOverhead"/> per event.</summary>
    private static long Cost(LogBatch batch)
    {
        var bytes = 0L;
        for (var i = 0; i < batch.Events.Count; i++)
        {
            bytes += EventOverhead + (2L * batch.Events[i].Message.Length);
        }

        return bytes;
    }

    private bool TryTake(out LogBatch batch)
    {
        if (!_batches.Reader.TryRead(out batch!))
        {
            return false;
        }

        Interlocked.Add(ref _queuedBytes, -Cost(batch));
        return true;
    }

    private void ReportDropped()
    {
        var dropped = Interlocked.Exchange(ref _droppedBatches, 0);
        if (dropped > 0)
        {
            Log.Dropped(_logger, dropped, MaxQueuedBatches, _maxQueuedBytes);
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var pending = new List<LogBatch>(MaxBatchesPerWrite);
        try
        {
            while (await _batches.Reader.WaitToReadAsync(stoppingToken))
            {
                // Let lines gather for a moment: under load one commit then carries hundreds of invocations' logs
                // instead of one, which keeps the log writer off the invoke path's CPU.
                await Task.Delay(FlushDelay, _time, stoppingToken);
                ReportDropped();
                // Everything queued so far goes in one transaction: one commit for many invocations under load.
                while (pending.Count < MaxBatchesPerWrite && TryTake(out var batch))
                {
                    pending.Add(batch);
                }

                try
                {
                    await _store.AppendAsync(pending, stoppingToken);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    Log.WriteFailed(_logger, ex, pending.Count);
                }

                pending.Clear();
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }

        // Write what is left before the store closes.
        while (TryTake(out var batch))
        {
            pending.Add(batch);
        }

        await _store.AppendAsync(pending, CancellationToken.None);
    }

    /// <summary>Stops the loop, then writes whatever is still queued (even if the loop never got to run).</summary>
    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        var rest = new List<LogBatch>();
        while (TryTake(out var batch))
        {
            rest.Add(batch);
        }

        await _store.AppendAsync(rest, CancellationToken.None);
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 3100, Level = LogLevel.Warning, Message = "Could not store {Count} log batches")]
        public static partial void WriteFailed(ILogger logger, Exception exception, int count);

        [LoggerMessage(EventId = 3101, Level = LogLevel.Warning, Message = "Dropped {Count} function log batches: the log store fell behind ({MaxBatches} batches or {MaxBytes} bytes of lines were waiting)")]
        public static partial void Dropped(ILogger logger, long count, int maxBatches, long maxBytes);
    }
}
