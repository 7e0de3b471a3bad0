// SPDX-License-Identifier: Apache-2.0
using System.Text.Json;

namespace Nimbus.Init.Telemetry;

/// <summary>
/// One extension's subscription: a queue of events in its streams, delivered in order as JSON arrays by HTTP POST
/// when maxItems or maxBytes are buffered or timeoutMs has passed since the batch's first event (telemetry-api.md).
/// Nothing is lost silently: events over the queue's limit, or whose delivery failed, are counted and reported by
/// a platform.logsDropped event at the head of the next batch.
/// </summary>
internal sealed class TelemetrySubscription : IDisposable
{
    /// <summary>
    /// How much may wait for a slow listener before events are dropped: four of the largest batches a subscription
    /// may ask for (maxBytes ≤ 1 MiB). It counts in the function's memory, as AWS's buffers do, for each of up to 10
    /// extensions.
    /// </summary>
    private const long MaxQueuedBytes = 4L * 1024 * 1024;

    private const int Attempts = 3;

    private static readonly TimeSpan s_postTimeout = TimeSpan.FromSeconds(5);

    private readonly Lock _gate = new();
    private readonly Queue<byte[]> _queue = new();
    private readonly SemaphoreSlim _wake = new(0);
    private readonly CancellationTokenSource _stopping = new();
    private readonly TimeProvider _time;
    private long _queuedBytes;
    private long _droppedRecords;
    private long _droppedBytes;
    private int _flushes;
    private TaskCompletionSource? _drained;
    private Task _running = Task.CompletedTask;

    public TelemetrySubscription(string extensionName, TelemetryCategory categories, Uri destination, int maxItems, int maxBytes, int timeoutMs, TimeProvider time)
    {
        ExtensionName = extensionName;
        Categories = categories;
        Destination = destination;
        MaxItems = maxItems;
        MaxBytes = maxBytes;
        Timeout = TimeSpan.FromMilliseconds(timeoutMs);
        _time = time;
    }

    public string ExtensionName { get; }

    public TelemetryCategory Categories { get; }

    public Uri Destination { get; }

    public int MaxItems { get; }

    public int MaxBytes { get; }

    public TimeSpan Timeout { get; }

    public void Start() => _running = Task.Run(() => RunAsync(_stopping.Token));

    /// <summary>Queues an event of one of this subscription's streams; over the limit it is counted as dropped.</summary>
    public void Enqueue(TelemetryRecord record)
    {
        if ((record.Category & Categories) == 0)
        {
            return;
        }

        bool wake;
        lock (_gate)
        {
            if (_queuedBytes + record.Json.Length > MaxQueuedBytes)
            {
                _droppedRecords++;
                _droppedBytes += record.Json.Length;
                return;
            }

            _queue.Enqueue(record.Json);
            _queuedBytes += record.Json.Length;
            wake = _queue.Count == 1 || _queue.Count == MaxItems || _queuedBytes - record.Json.Length < MaxBytes && _queuedBytes >= MaxBytes;
        }

        if (wake)
        {
            _wake.Release();
        }
    }

    /// <summary>Events dropped before they reached this subscription (the init phase's, over what was kept): reported with the rest.</summary>
    public void CountDropped(long records, long bytes)
    {
        lock (_gate)
        {
            _droppedRecords += records;
            _droppedBytes += bytes;
        }
    }

    /// <summary>Delivers what is queued now, without waiting for the batch's timeout; completes when the queue is empty.</summary>
    public Task FlushAsync()
    {
        Task drained;
        lock (_gate)
        {
            if (_queue.Count == 0 && _droppedRecords == 0)
            {
                return Task.CompletedTask;
            }

            _flushes++;
            _drained ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            drained = _drained.Task;
        }

        _wake.Release();
        return drained;
    }

    public void Dispose()
    {
        _stopping.Cancel();
        _stopping.Dispose();
    }

    private async Task RunAsync(CancellationToken cancellationToken)
    {
        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                await _wake.WaitAsync(cancellationToken);
                var started = _time.GetTimestamp();
                while (!Full())
                {
                    var left = Timeout - _time.GetElapsedTime(started);
                    if (left <= TimeSpan.Zero || !await _wake.WaitAsync(left, cancellationToken))
                    {
                        break;
                    }
                }

                while (TakeBatch() is { } batch)
                {
                    await DeliverAsync(batch, cancellationToken);
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
        catch (ObjectDisposedException)
        {
        }
    }

    /// <summary>A full batch is waiting, or a flush was asked for.</summary>
    private bool Full()
    {
        lock (_gate)
        {
            return _flushes > 0 || _queue.Count >= MaxItems || _queuedBytes >= MaxBytes;
        }
    }

    /// <summary>The next batch (at most maxItems events and about maxBytes), a logsDropped report first; null when empty.</summary>
    private List<byte[]>? TakeBatch()
    {
        lock (_gate)
        {
            if (_queue.Count == 0 && _droppedRecords == 0)
            {
                _flushes = 0;
                _drained?.TrySetResult();
                _drained = null;
                return null;
            }

            var batch = new List<byte[]>(Math.Min(_queue.Count + 1, MaxItems));
            if (_droppedRecords > 0)
            {
                batch.Add(LogsDropped(_droppedRecords, _droppedBytes));
                _droppedRecords = 0;
                _droppedBytes = 0;
            }

            var bytes = 0L;
            while (batch.Count < MaxItems && _queue.TryPeek(out var next) && (batch.Count == 0 || bytes + next.Length <= MaxBytes))
            {
                batch.Add(_queue.Dequeue());
                bytes += next.Length;
                _queuedBytes -= next.Length;
            }

            return batch;
        }
    }

    private async Task DeliverAsync(List<byte[]> batch, CancellationToken cancellationToken)
    {
        var length = 2 + batch.Count - 1;
        foreach (var item in batch)
        {
            length += item.Length;
        }

        var body = new byte[length];
        body[0] = (byte)'[';
        var offset = 1;
        for (var i = 0; i < batch.Count; i++)
        {
            if (i > 0)
            {
                body[offset++] = (byte)',';
            }

            batch[i].CopyTo(body, offset);
            offset += batch[i].Length;
        }

        body[offset] = (byte)']';
        for (var attempt = 0; attempt < Attempts; attempt++)
        {
            if (await TelemetryPoster.PostAsync(Destination, body, s_postTimeout, cancellationToken))
            {
                return;
            }

            // The listener may not be up yet (an extension subscribes before it serves): back off and retry.
            await Task.Delay(TimeSpan.FromMilliseconds(100 << attempt), _time, cancellationToken);
        }

        lock (_gate)
        {
            _droppedRecords += batch.Count;
            _droppedBytes += length;
        }
    }

    private byte[] LogsDropped(long records, long bytes) =>
        TelemetryJson.Event(_time.GetUtcNow(), "platform.logsDropped", (records, bytes), static (writer, dropped) =>
        {
            writer.WriteNumber("droppedBytes", dropped.bytes);
            writer.WriteNumber("droppedRecords", dropped.records);
            writer.WriteString("reason", "Consumer seems to have fallen behind as it has not acknowledged receipt of logs.");
        });

    /// <summary>Writes the subscription's types for the platform.telemetrySubscription record.</summary>
    public void WriteTypes(Utf8JsonWriter writer)
    {
        writer.WriteStartArray("types");
        foreach (var (flag, name) in (ReadOnlySpan<(TelemetryCategory, string)>)[(TelemetryCategory.Platform, "platform"), (TelemetryCategory.Function, "function"), (TelemetryCategory.Extension, "extension")])
        {
            if ((Categories & flag) != 0)
            {
                writer.WriteStringValue(name);
            }
        }

        writer.WriteEndArray();
    }
}
