// SPDX-License-Identifier: Apache-2.0
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Nimbus.Core.Diagnostics;
using Nimbus.Core.Errors;
using Nimbus.Core.Filtering;
using Nimbus.Core.Functions;
using Nimbus.Core.Mappings;
using Nimbus.Core.Metrics;
using Nimbus.Core.Threading;
using Nimbus.Core.Tracing;
using Nimbus.Events.Async;
using Nimbus.Execution.Invocation;

namespace Nimbus.Events.Mappings;

/// <summary>
/// The pollers of one SQS event source mapping: each gathers a batch (up to BatchSize, within the batching window,
/// under 6 MB), drops what the filters reject and what recursion detection stops, invokes the function with AWS's
/// SQS event, and deletes what the function handled (all of it, or all but the reported batchItemFailures). A failed
/// batch is left to reappear after the visibility timeout (and, past maxReceiveCount, to the queue's DLQ). Pollers
/// are added while batches come back full and retire when the queue is empty, up to MaximumConcurrency.
/// </summary>
internal sealed partial class MappingPoller : IAsyncDisposable
{
    /// <summary>
    /// How many polling loops a mapping without ScalingConfig grows to: two per CPU core, at least four. AWS scales
    /// much further across its fleet; on one machine more concurrent batches than that only contend for the same
    /// cores and the one SQLite writer (measured: 5,900 msg/s at 2, 7,200 at 4, 1,100 unbounded on 2 cores).
    /// </summary>
    public static readonly int DefaultMaximumPollers = Math.Max(4, 2 * Environment.ProcessorCount);

    /// <summary>The least time between two scale-ups, so a burst does not start more loops than it needs.</summary>
    private static readonly TimeSpan ScaleUpInterval = TimeSpan.FromMilliseconds(250);

    private const int MaxPayloadBytes = 6 * 1024 * 1024 - (64 * 1024);
    private static readonly TimeSpan LongPoll = TimeSpan.FromSeconds(20);
    private static readonly TimeSpan ThrottleBackoff = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan ProblemBackoff = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan VisibilityMargin = TimeSpan.FromSeconds(5);

    private volatile EventSourceMapping _mapping;
    private readonly IQueueSource _source;
    private readonly IQueueDestination? _deadLetters;
    private readonly FunctionResolver _functions;
    private readonly IInvocationService _invoker;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _stopping = new();
    private readonly CancellationToken _shutdown;
    private readonly List<Task> _loops = [];
    private readonly Lock _lock = new();
    private readonly FilterCriteria? _filters;
    private readonly Action? _resultChanged;
    private readonly FunctionRoleAccess? _roles;
    private readonly IMetricsRecorder? _metrics;
    private volatile string? _lastProcessingResult;
    private int _active;
    private long _lastScaleUp;

    /// <param name="shutdown">
    /// Cancelled only when the server stops. Stopping these pollers (a mapping updated, disabled or deleted) stops
    /// their polling at once but lets a batch in flight finish its invocation and deletes, as on AWS.
    /// </param>
    /// <param name="resultChanged">Called when <see cref="LastProcessingResult"/> changes, so the worker reports it.</param>
    public MappingPoller(
        EventSourceMapping mapping,
        IQueueSource source,
        IQueueDestination? deadLetters,
        FunctionResolver functions,
        IInvocationService invoker,
        TimeProvider time,
        ILogger logger,
        CancellationToken shutdown,
        Action? resultChanged = null,
        FunctionRoleAccess? roles = null,
        IMetricsRecorder? metrics = null)
    {
        _roles = roles;
        _metrics = metrics;
        _resultChanged = resultChanged;
        _shutdown = shutdown;
        _mapping = mapping;
        _source = source;
        _deadLetters = deadLetters;
        _functions = functions;
        _invoker = invoker;
        _time = time;
        _logger = logger;
        _filters = mapping.Filters is { Count: > 0 } filters ? FilterCriteria.Create(filters) : null;
    }

    /// <summary>The mapping these pollers serve (a change of its settings restarts them).</summary>
    public EventSourceMapping Mapping => _mapping;

    /// <summary>Takes a new state of the same settings (only State and LastProcessingResult differ).</summary>
    public void Retarget(EventSourceMapping mapping) => _mapping = mapping;

    /// <summary>The last outcome worth reporting (AWS's LastProcessingResult), or null.</summary>
    public string? LastProcessingResult
    {
        get => _lastProcessingResult;
        private set
        {
            if (_lastProcessingResult != value)
            {
                _lastProcessingResult = value;
                _resultChanged?.Invoke();
            }
        }
    }

    private int MaximumPollers => _mapping.MaximumConcurrency ?? DefaultMaximumPollers;

    public void Start() => AddLoop();

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        Task[] loops;
        lock (_lock)
        {
            loops = [.. _loops];
        }

        await Task.WhenAll(loops);
        _stopping.Dispose();
    }

    private void AddLoop()
    {
        lock (_lock)
        {
            if (_stopping.IsCancellationRequested || _active >= MaximumPollers)
            {
                return;
            }

            _active++;
            _loops.RemoveAll(static loop => loop.IsCompleted);
            _loops.Add(Task.Run(() => LoopAsync(_stopping.Token)));
        }
    }

    private async Task LoopAsync(CancellationToken cancellationToken)
    {
        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                var queue = await _source.GetQueueAsync(_mapping.EventSourceArn, cancellationToken);
                if (queue is null)
                {
                    LastProcessingResult = "PROBLEM: The specified queue does not exist.";
                    await Task.Delay(ProblemBackoff, _time, cancellationToken);
                    continue;
                }

                if (await MissingPermissionAsync(cancellationToken) is { } missing)
                {
                    // The role lost what reading the queue needs: polling pauses, the mapping says why, and it resumes
                    // once the role may again (re-checked at every poll).
                    LastProcessingResult = $"PROBLEM: The function execution role does not have permissions to call {missing} on SQS";
                    await Task.Delay(ProblemBackoff, _time, cancellationToken);
                    continue;
                }

                var batch = await GatherAsync(cancellationToken);
                if (batch.Count == 0)
                {
                    // An empty long poll: the queue is drained; extra pollers retire, the last one keeps listening.
                    lock (_lock)
                    {
                        if (_active > 1)
                        {
                            _active--;
                            return;
                        }
                    }

                    continue;
                }

                if (batch.Count >= _mapping.BatchSize && _time.GetElapsedTime(Interlocked.Read(ref _lastScaleUp)) >= ScaleUpInterval)
                {
                    // A full batch means a backlog: one more loop, at most every ScaleUpInterval.
                    Interlocked.Exchange(ref _lastScaleUp, _time.GetTimestamp());
                    AddLoop();
                }

                await ProcessAsync(queue, batch, _time.GetTimestamp(), cancellationToken);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested || _shutdown.IsCancellationRequested)
        {
            // Stopped: messages in flight become visible again after their visibility timeout.
        }
        catch (Exception ex)
        {
            Log.PollerFailed(_logger, ex, _mapping.Uuid);
            lock (_lock)
            {
                _active--;
            }

            // Keep the mapping served: start over after a pause.
            await Task.Delay(ProblemBackoff, _time, CancellationToken.None);
            AddLoop();
        }
    }

    /// <summary>The first SQS action the function's role may not perform on the queue, or null (also when the function cannot be resolved: the batch reports that).</summary>
    private async ValueTask<string?> MissingPermissionAsync(CancellationToken cancellationToken)
    {
        if (_roles is null)
        {
            return null;
        }

        var mapping = _mapping;
        ResolvedFunction target;
        try
        {
            target = await _functions.ResolveAsync(mapping.Scope, mapping.FunctionName, mapping.Qualifier, cancellationToken);
        }
        catch (LambdaException)
        {
            return null;
        }

        return await EventSourceMappingService.MissingPermissionAsync(_roles, mapping.Scope, target.Version, mapping.EventSourceArn, cancellationToken);
    }

    /// <summary>A batch: up to BatchSize messages, gathered until the batching window closes (at once when it is 0).</summary>
    private async Task<List<SourceMessage>> GatherAsync(CancellationToken cancellationToken)
    {
        var batch = new List<SourceMessage>(Math.Min(_mapping.BatchSize, 10));
        var first = await _source.ReceiveAsync(_mapping.EventSourceArn, Math.Min(10, _mapping.BatchSize), LongPoll, cancellationToken);
        if (first.Count == 0)
        {
            return batch;
        }

        var bytes = 0L;
        var overflow = new List<string>();
        var window = TimeSpan.FromSeconds(_mapping.MaximumBatchingWindowInSeconds);
        var deadline = _time.GetUtcNow() + window;
        var received = first;
        while (true)
        {
            foreach (var message in received)
            {
                // The record carries the body as UTF-8 (written unescaped) plus about 512 bytes of fields.
                bytes += Encoding.UTF8.GetByteCount(message.Body) + 512;
                if (bytes > MaxPayloadBytes && batch.Count > 0)
                {
                    // Near the 6 MB invoke limit: this message waits for the next batch.
                    overflow.Add(message.ReceiptHandle);
                    continue;
                }

                batch.Add(message);
            }

            var remaining = deadline - _time.GetUtcNow();
            if (overflow.Count > 0)
            {
                await _source.SetVisibilityAsync(_mapping.EventSourceArn, overflow, TimeSpan.Zero, _shutdown);
                return batch;
            }

            if (batch.Count >= _mapping.BatchSize || bytes > MaxPayloadBytes)
            {
                return batch;
            }

            var wait = window > TimeSpan.Zero ? (remaining > LongPoll ? LongPoll : remaining) : TimeSpan.Zero;
            if (window > TimeSpan.Zero && remaining <= TimeSpan.Zero)
            {
                return batch;
            }

            received = await _source.ReceiveAsync(_mapping.EventSourceArn, Math.Min(10, _mapping.BatchSize - batch.Count), wait, cancellationToken);
            if (received.Count == 0 && window == TimeSpan.Zero)
            {
                return batch;
            }
        }
    }

    /// <param name="receivedAt">When the batch's first message was received (its visibility timeout runs from then).</param>
    /// <param name="polling">Cancelled when these pollers stop; the batch itself finishes under the server's shutdown token.</param>
    private async Task ProcessAsync(SourceQueueSettings queue, List<SourceMessage> batch, long receivedAt, CancellationToken polling)
    {
        var cancellationToken = _shutdown;
        var scope = _mapping.Scope;
        ResolvedFunction target;
        try
        {
            // Resolved once per batch: the version chosen here is the one that runs.
            target = await _functions.ResolveAsync(scope, _mapping.FunctionName, _mapping.Qualifier, cancellationToken);
        }
        catch (LambdaException ex)
        {
            await ProblemAsync($"PROBLEM: {ex.Message}", batch, polling);
            return;
        }

        var records = new List<byte[]>(batch.Count);
        var handled = new List<SourceMessage>(batch.Count);
        var dropped = new List<string>();
        string? trace = null;
        foreach (var message in batch)
        {
            if (RecursiveLoops.Stops(target.Function, message.TraceHeader, _time, out var next))
            {
                _metrics?.Lambda(scope, target.Function.Name, target.Qualifier, LambdaMetric.RecursiveInvocationsDropped, 1);
                await StopRecursionAsync(queue, message, cancellationToken);
                dropped.Add(message.ReceiptHandle);
                continue;
            }

            var record = SqsEvent.Record(message, _mapping.EventSourceArn, scope.Region);
            if (_filters is not null && !Matches(record))
            {
                // As on AWS, a message no filter matches is deleted without invoking the function.
                dropped.Add(message.ReceiptHandle);
                continue;
            }

            trace ??= next;
            records.Add(record);
            handled.Add(message);
        }

        if (dropped.Count > 0)
        {
            await _source.DeleteAsync(_mapping.EventSourceArn, dropped, cancellationToken);
        }

        if (records.Count == 0)
        {
            return;
        }

        // A batch gathered over a window can outlast the queue's visibility timeout before the function even starts:
        // keep its messages hidden for the function's timeout, so no other poller takes them meanwhile.
        var needed = _time.GetElapsedTime(receivedAt) + TimeSpan.FromSeconds(target.Version.Timeout) + VisibilityMargin;
        if (needed > queue.VisibilityTimeout)
        {
            await _source.SetVisibilityAsync(_mapping.EventSourceArn, Handles(handled), needed, cancellationToken);
        }

        // AWS's pollers invoke synchronously. The batch's spans follow its first message's trace, sampled as the function decides.
        trace = TraceDecision.Decide(trace, target.Version.TracingMode, null, _time);
        using var delivery = NimbusTracing.StartDelivery(trace, SentAt(handled[0]), "sqs", _time);
        var outcome = await _invoker.InvokeAsync(
            target, RequestId.New(), SqsEvent.Batch(records), InvocationType.RequestResponse, trace, null, cancellationToken);
        // A warm runtime's answer completes on the event thread that read it; what follows writes the store.
        await EventThreads.Leave();
        if (!outcome.Ran)
        {
            // Throttled: the messages go back to the queue for another try soon, as AWS's pollers back off.
            await _source.SetVisibilityAsync(_mapping.EventSourceArn, Handles(handled), ThrottleBackoff, cancellationToken);
            await Task.Delay(ThrottleBackoff, _time, polling);
            return;
        }

        var result = outcome.Result;
        if (outcome.Kind == InvocationOutcomeKind.FunctionError)
        {
            // The whole batch failed: it reappears after the visibility timeout (and counts toward maxReceiveCount).
            LastProcessingResult = "PROBLEM: Function call failed";
            return;
        }

        LastProcessingResult = "OK";
        var done = new List<string>(handled.Count);
        var failures = ReportsFailures ? BatchItemFailures(result.Payload, handled) : null;
        foreach (var message in handled)
        {
            if (failures is null || !failures.Contains(message.MessageId))
            {
                done.Add(message.ReceiptHandle);
            }
        }

        if (done.Count > 0)
        {
            await _source.DeleteAsync(_mapping.EventSourceArn, done, cancellationToken);
        }
    }

    private bool ReportsFailures
    {
        get
        {
            foreach (var type in _mapping.FunctionResponseTypes)
            {
                if (type == "ReportBatchItemFailures")
                {
                    return true;
                }
            }

            return false;
        }
    }

    /// <summary>
    /// The messages a partial batch response names (<c>{"batchItemFailures": [{"itemIdentifier": id}]}</c>). As on
    /// AWS, a response that names an unknown or empty identifier fails the whole batch; an empty or missing list means
    /// all succeeded.
    /// </summary>
    private static HashSet<string>? BatchItemFailures(ReadOnlyMemory<byte> payload, List<SourceMessage> batch)
    {
        var all = new HashSet<string>(StringComparer.Ordinal);
        foreach (var message in batch)
        {
            all.Add(message.MessageId);
        }

        try
        {
            using var document = JsonDocument.Parse(payload);
            if (document.RootElement.ValueKind != JsonValueKind.Object
                || !document.RootElement.TryGetProperty("batchItemFailures", out var failures)
                || failures.ValueKind == JsonValueKind.Null)
            {
                return null;
            }

            var failed = new HashSet<string>(StringComparer.Ordinal);
            foreach (var item in failures.EnumerateArray())
            {
                if (item.ValueKind != JsonValueKind.Object
                    || !item.TryGetProperty("itemIdentifier", out var id)
                    || id.ValueKind != JsonValueKind.String
                    || id.GetString() is not { Length: > 0 } identifier
                    || !all.Contains(identifier))
                {
                    return all;
                }

                failed.Add(identifier);
            }

            return failed;
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException)
        {
            return null;
        }
    }

    /// <summary>Lambda filters an SQS record with its body parsed when the body is JSON.</summary>
    private bool Matches(byte[] record)
    {
        using var parsed = JsonDocument.Parse(record);
        using var filtered = SqsFilterRecord.Create(parsed.RootElement);
        return _filters!.Matches(filtered.RootElement);
    }

    /// <summary>A message whose chain invoked the function too often: to the queue's DLQ if it has one, else dropped.</summary>
    private async Task StopRecursionAsync(SourceQueueSettings queue, SourceMessage message, CancellationToken cancellationToken)
    {
        Log.RecursiveLoop(_logger, _mapping.FunctionName, message.MessageId, _mapping.EventSourceArn);
        if (queue.DeadLetterTargetArn is { } deadLetter && _deadLetters is not null)
        {
            await _deadLetters.SendAsync(deadLetter, message.Body, new Dictionary<string, QueueAttributeValue>(), message.TraceHeader, cancellationToken);
        }
    }

    private async Task ProblemAsync(string result, List<SourceMessage> batch, CancellationToken polling)
    {
        LastProcessingResult = result;
        await _source.SetVisibilityAsync(_mapping.EventSourceArn, Handles(batch), ProblemBackoff, _shutdown);
        await Task.Delay(ProblemBackoff, _time, polling);
    }

    private static List<string> Handles(List<SourceMessage> messages)
    {
        var handles = new List<string>(messages.Count);
        foreach (var message in messages)
        {
            handles.Add(message.ReceiptHandle);
        }

        return handles;
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 4200, Level = LogLevel.Error, Message = "A poller of event source mapping {Uuid} failed; restarting it")]
        public static partial void PollerFailed(ILogger logger, Exception exception, string uuid);

        [LoggerMessage(EventId = 4201, Level = LogLevel.Warning, Message = "Stopped a recursive loop: message {MessageId} from {Queue} would invoke {FunctionName} more than 16 times in one chain")]
        public static partial void RecursiveLoop(ILogger logger, string functionName, string messageId, string queue);
    }

    /// <summary>When the message was sent (its SentTimestamp attribute), for the QueueWait span.</summary>
    private static DateTimeOffset? SentAt(SourceMessage message)
    {
        foreach (var (name, value) in message.Attributes)
        {
            if (name == "SentTimestamp" && long.TryParse(value, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var ms))
            {
                return DateTimeOffset.FromUnixTimeMilliseconds(ms);
            }
        }

        return null;
    }
}
