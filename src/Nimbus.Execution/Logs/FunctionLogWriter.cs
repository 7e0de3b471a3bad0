// SPDX-License-Identifier: Apache-2.0
using System.Threading.Channels;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Nimbus.Core.Arns;
using Nimbus.Core.Storage;

namespace Nimbus.Execution.Logs;

/// <summary>
/// Persists function logs off the invoke path: invocations hand their lines to a channel, and this loop writes
/// them to the log store in batches. As with CloudWatch Logs, lines arrive shortly after the invocation.
/// </summary>
internal sealed partial class FunctionLogWriter(ILogStore store, TimeProvider time, ILogger<FunctionLogWriter> logger) : BackgroundService
{
    private readonly Channel<LogBatch> _batches = Channel.CreateBounded<LogBatch>(
        new BoundedChannelOptions(10_000) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true });

    private const int MaxBatchesPerWrite = 4096;

    /// <summary>How long lines may wait to be written together (CloudWatch Logs itself shows lines seconds later).</summary>
    private static readonly TimeSpan FlushDelay = TimeSpan.FromMilliseconds(100);

    public void Write(Scope scope, string group, string stream, IReadOnlyList<LogEvent> events) =>
        _batches.Writer.TryWrite(new LogBatch(scope, group, stream, events));

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var pending = new List<LogBatch>(MaxBatchesPerWrite);
        try
        {
            while (await _batches.Reader.WaitToReadAsync(stoppingToken))
            {
                // Let lines gather for a moment: under load one commit then carries hundreds of invocations' logs
                // instead of one, which keeps the log writer off the invoke path's CPU.
                await Task.Delay(FlushDelay, time, stoppingToken);
                // Everything queued so far goes in one transaction: one commit for many invocations under load.
                while (pending.Count < MaxBatchesPerWrite && _batches.Reader.TryRead(out var batch))
                {
                    pending.Add(batch);
                }

                try
                {
                    await store.AppendAsync(pending, stoppingToken);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    Log.WriteFailed(logger, ex, pending.Count);
                }

                pending.Clear();
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }

        // Write what is left before the store closes.
        while (_batches.Reader.TryRead(out var batch))
        {
            pending.Add(batch);
        }

        await store.AppendAsync(pending, CancellationToken.None);
    }

    /// <summary>Stops the loop, then writes whatever is still queued (even if the loop never got to run).</summary>
    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        var rest = new List<LogBatch>();
        while (_batches.Reader.TryRead(out var batch))
        {
            rest.Add(batch);
        }

        await store.AppendAsync(rest, CancellationToken.None);
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 3100, Level = LogLevel.Warning, Message = "Could not store {Count} log batches")]
        public static partial void WriteFailed(ILogger logger, Exception exception, int count);
    }
}
