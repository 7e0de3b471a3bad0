// SPDX-License-Identifier: Apache-2.0
using System.Buffers;
using System.Text;
using System.Text.Json;
using System.Threading.Channels;

namespace Nimbus.Init.Telemetry;

/// <summary>
/// The Telemetry API's sending side inside the environment: platform events and the runtime's and extensions' log
/// lines, fanned out to every subscription. Events of the init phase are kept until it ends, so an extension that
/// subscribes during its init still gets platform.initStart and the init's log lines (as on AWS). With no
/// subscriber after init, publishing costs one volatile read. Output is copied as read and turned into records by a
/// worker (the line splitting and JSON formatting off the thread that forwards output and answers to the host);
/// platform events take the same queue, so every subscriber sees events in the order they happened. The queue holds
/// at most <see cref="MaxPendingChunks"/> chunks: past that the output's forwarding waits for the worker.
/// </summary>
internal sealed class TelemetryHub : IDisposable
{
    /// <summary>Events kept from the init phase for subscriptions made during it.</summary>
    private const int MaxBacklog = 10_000;

    /// <summary>Bytes of events kept from the init phase; past that (or <see cref="MaxBacklog"/>) they are counted as dropped.</summary>
    private const long MaxBacklogBytes = 4L * 1024 * 1024;

    /// <summary>
    /// The longest output line made one record, in UTF-8 bytes (the server cuts its log lines at the same length: CloudWatch
    /// Logs' 256 KB event less its overhead); a longer line becomes several records, cut between characters.
    /// </summary>
    internal const int MaxLineBytes = 262_144 - 26;

    /// <summary>Output chunks and events not yet published (a chunk is at most one read of the output pipe).</summary>
    private const int MaxPendingChunks = 256;

    private readonly Lock _gate = new();
    private readonly List<TelemetrySubscription> _subscriptions = [];
    private readonly List<TelemetryRecord> _backlog = [];
    private readonly LineSplitter[] _lines = [new(), new(), new(), new()];
    private readonly TimeProvider _time;
    private readonly Channel<Pending> _pending = Channel.CreateBounded<Pending>(new BoundedChannelOptions(MaxPendingChunks) { SingleReader = true });
    private readonly Task _worker;
    private long _backlogBytes;
    private long _backlogDroppedRecords;
    private long _backlogDroppedBytes;
    private bool _backlogOpen = true;
    private volatile bool _active = true;

    public TelemetryHub(TimeProvider time)
    {
        _time = time;
        _worker = Task.Run(DrainAsync);
    }

    public TimeProvider Time => _time;

    /// <summary>Something listens (or may: the init phase is not over).</summary>
    public bool Active => _active;

    /// <summary>A platform event whose record <paramref name="record"/> writes.</summary>
    public void Platform<TState>(string type, TState state, Action<Utf8JsonWriter, TState> record)
    {
        if (_active)
        {
            var published = new TelemetryRecord(TelemetryCategory.Platform, TelemetryJson.Event(_time.GetUtcNow(), type, state, record));
            if (!_pending.Writer.TryWrite(new Pending(published)))
            {
                // The queue is full (a flood of output): the event waits its turn without holding up the caller.
                _ = _pending.Writer.WriteAsync(new Pending(published)).AsTask();
            }
        }
    }

    /// <summary>
    /// Output of the runtime or the extensions, as read (<see cref="Runtime.RuntimeOutput"/>'s stream names): copied
    /// and queued; the worker makes each complete line a function or extension record.
    /// </summary>
    public ValueTask OutputAsync(string stream, ReadOnlyMemory<byte> bytes, CancellationToken cancellationToken)
    {
        if (!_active || bytes.IsEmpty)
        {
            return ValueTask.CompletedTask;
        }

        var index = stream switch
        {
            "stdout" => 0,
            "stderr" => 1,
            Runtime.RuntimeOutput.ExtensionStdout => 2,
            _ => 3,
        };
        var copy = ArrayPool<byte>.Shared.Rent(bytes.Length);
        bytes.Span.CopyTo(copy);
        var chunk = new Pending(null, index, copy, bytes.Length, _time.GetUtcNow());
        return _pending.Writer.TryWrite(chunk) ? ValueTask.CompletedTask : _pending.Writer.WriteAsync(chunk, cancellationToken);
    }

    /// <summary>Adds (or replaces) an extension's subscription; it gets the init phase's events if that is not over.</summary>
    public void Subscribe(TelemetrySubscription subscription)
    {
        TelemetrySubscription? replaced = null;
        lock (_gate)
        {
            for (var i = 0; i < _subscriptions.Count; i++)
            {
                if (_subscriptions[i].ExtensionName == subscription.ExtensionName)
                {
                    replaced = _subscriptions[i];
                    _subscriptions.RemoveAt(i);
                    break;
                }
            }

            foreach (var record in _backlog)
            {
                subscription.Enqueue(record);
            }

            if (_backlogDroppedRecords > 0)
            {
                subscription.CountDropped(_backlogDroppedRecords, _backlogDroppedBytes);
            }

            _subscriptions.Add(subscription);
            _active = true;
        }

        replaced?.Dispose();
        subscription.Start();
        Platform("platform.telemetrySubscription", subscription, static (writer, s) =>
        {
            writer.WriteString("name", s.ExtensionName);
            writer.WriteString("state", "Subscribed");
            s.WriteTypes(writer);
        });
    }

    /// <summary>The init phase is over: its events are no longer kept; without subscribers, publishing stops.</summary>
    public void EndInit()
    {
        lock (_gate)
        {
            _backlogOpen = false;
            _backlog.Clear();
            _backlogBytes = 0;
            _backlogDroppedRecords = 0;
            _backlogDroppedBytes = 0;
            _active = _subscriptions.Count > 0;
        }
    }

    /// <summary>Delivers every queued event now; completes when all subscriptions are drained.</summary>
    public async Task FlushAsync()
    {
        // What was queued before this call is published first.
        var barrier = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        if (_pending.Writer.TryWrite(new Pending(null, Barrier: barrier)) || await TryWriteAsync(new Pending(null, Barrier: barrier)))
        {
            await barrier.Task;
        }

        await FlushSubscriptionsAsync();
    }

    private async ValueTask<bool> TryWriteAsync(Pending pending)
    {
        try
        {
            await _pending.Writer.WriteAsync(pending);
            return true;
        }
        catch (ChannelClosedException)
        {
            return false;
        }
    }

    private Task FlushSubscriptionsAsync()
    {
        List<Task> flushes;
        lock (_gate)
        {
            flushes = new List<Task>(_subscriptions.Count);
            foreach (var subscription in _subscriptions)
            {
                flushes.Add(subscription.FlushAsync());
            }
        }

        return Task.WhenAll(flushes);
    }

    public void Dispose()
    {
        _pending.Writer.TryComplete();
        lock (_gate)
        {
            foreach (var subscription in _subscriptions)
            {
                subscription.Dispose();
            }

            _subscriptions.Clear();
        }
    }

    /// <summary>The worker: publishes queued events and turns queued output into line records, in order.</summary>
    private async Task DrainAsync()
    {
        var reader = _pending.Reader;
        while (await reader.WaitToReadAsync())
        {
            while (reader.TryRead(out var pending))
            {
                if (pending.Record is { } record)
                {
                    lock (_gate)
                    {
                        PublishLocked(record);
                    }
                }
                else if (pending.Buffer is { } buffer)
                {
                    Lines(pending.Stream, buffer.AsSpan(0, pending.Length), pending.At);
                    ArrayPool<byte>.Shared.Return(buffer);
                }

                pending.Barrier?.TrySetResult();
            }
        }
    }

    private void Lines(int index, ReadOnlySpan<byte> bytes, DateTimeOffset at)
    {
        var category = index < 2 ? TelemetryCategory.Function : TelemetryCategory.Extension;
        var type = index < 2 ? "function" : "extension";
        lock (_gate)
        {
            var partial = _lines[index];
            while (!bytes.IsEmpty)
            {
                var newline = bytes.IndexOf((byte)'\n');
                var length = newline < 0 ? bytes.Length : newline;
                if (partial.Length + length > MaxLineBytes)
                {
                    // Cut before the character the limit falls in, so that none is split and no record is longer.
                    var limit = MaxLineBytes - partial.Length;
                    var take = limit;
                    for (var back = 0; back < 3 && take > 0 && IsContinuation(bytes[take]); back++)
                    {
                        take--;
                    }

                    if (IsContinuation(bytes[take]))
                    {
                        // The character began in what was read before, or these bytes are not UTF-8 (cut at the limit).
                        if (take == 0 && partial.TakeBeforeLastCharacter() is { } whole)
                        {
                            PublishLocked(new TelemetryRecord(category, TelemetryJson.Line(at, type, whole)));
                            continue;
                        }

                        take = limit;
                    }

                    PublishLocked(new TelemetryRecord(category, TelemetryJson.Line(at, type, partial.Take(bytes[..take], trimCarriageReturn: false))));
                    bytes = bytes[take..];
                    continue;
                }

                if (newline < 0)
                {
                    partial.Append(bytes);
                    return;
                }

                PublishLocked(new TelemetryRecord(category, TelemetryJson.Line(at, type, partial.Take(bytes[..newline], trimCarriageReturn: true))));
                bytes = bytes[(newline + 1)..];
            }
        }
    }

    private static bool IsContinuation(byte b) => (b & 0xC0) == 0x80;

    private void PublishLocked(TelemetryRecord record)
    {
        if (_backlogOpen)
        {
            if (_backlog.Count < MaxBacklog && _backlogBytes + record.Json.Length <= MaxBacklogBytes)
            {
                _backlog.Add(record);
                _backlogBytes += record.Json.Length;
            }
            else
            {
                _backlogDroppedRecords++;
                _backlogDroppedBytes += record.Json.Length;
            }
        }

        foreach (var subscription in _subscriptions)
        {
            subscription.Enqueue(record);
        }
    }

    /// <summary>A queued platform event (<paramref name="Record"/>), chunk of output, or flush barrier.</summary>
    private readonly record struct Pending(
        TelemetryRecord? Record, int Stream = 0, byte[]? Buffer = null, int Length = 0, DateTimeOffset At = default, TaskCompletionSource? Barrier = null);

    /// <summary>
    /// The unfinished last line of one output stream, as bytes: a character split between two reads is decoded whole.
    /// </summary>
    private sealed class LineSplitter
    {
        private const int KeptCapacity = 4096;

        private byte[] _bytes = [];

        public int Length { get; private set; }

        public void Append(ReadOnlySpan<byte> bytes)
        {
            if (Length + bytes.Length > _bytes.Length)
            {
                Array.Resize(ref _bytes, Math.Max(Length + bytes.Length, Math.Max(256, _bytes.Length * 2)));
            }

            bytes.CopyTo(_bytes.AsSpan(Length));
            Length += bytes.Length;
        }

        /// <summary>
        /// The line so far up to the character it ends inside of, decoded; that character's bytes stay (the splitter
        /// then holds at most 3 bytes). Null when the last bytes begin no character (not UTF-8).
        /// </summary>
        public string? TakeBeforeLastCharacter()
        {
            var lead = Length - 1;
            while (lead >= 0 && lead >= Length - 3 && IsContinuation(_bytes[lead]))
            {
                lead--;
            }

            if (lead < 0 || IsContinuation(_bytes[lead]))
            {
                return null;
            }

            var text = Encoding.UTF8.GetString(_bytes, 0, lead);
            _bytes.AsSpan(lead, Length - lead).CopyTo(_bytes);
            Length -= lead;
            return text;
        }

        /// <summary>
        /// The line so far and its <paramref name="end"/>, decoded (without a final '\r' when asked); the splitter is
        /// empty after.
        /// </summary>
        public string Take(ReadOnlySpan<byte> end, bool trimCarriageReturn)
        {
            var line = end;
            if (Length > 0)
            {
                Append(end);
                line = _bytes.AsSpan(0, Length);
            }

            if (trimCarriageReturn && line.Length > 0 && line[^1] == (byte)'\r')
            {
                line = line[..^1];
            }

            var text = Encoding.UTF8.GetString(line);
            Length = 0;
            if (_bytes.Length > KeptCapacity)
            {
                // A long line's buffer is not kept for the environment's life.
                _bytes = [];
            }

            return text;
        }
    }
}
