// SPDX-License-Identifier: Apache-2.0
using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using Microsoft.Extensions.Logging;
using Nimbus.Core.Arns;
using Nimbus.Core.Metrics;
using Nimbus.Core.Queues;
using Nimbus.Core.Storage;

namespace Nimbus.Events.Queues;

/// <summary>
/// Nimbus's built-in SQS-compatible queues, for the SQS API and for the rest of the platform (destinations,
/// dead-letter queues, event source mappings) without HTTP. Every change is committed before its task completes;
/// delivery is at least once. Queues are cached (one node owns its SQLite file); messages are never cached.
/// </summary>
public sealed partial class QueueService : IDisposable
{
    // Attribute and tag changes read the stored queue and write it back; serialized so no change overwrites another.
    private readonly SemaphoreSlim _metadataLock = new(1, 1);

    /// <summary>ListQueues answers at most 1,000 queues per page.</summary>
    public const int MaxListResults = 1000;

    private static readonly TimeSpan s_purgeInterval = TimeSpan.FromSeconds(60);

    private readonly IQueueStore _store;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger<QueueService> _logger;
    private readonly IMetricsRecorder? _metrics;
    private readonly ConcurrentDictionary<(string Account, string Region, string Name), QueueRecord> _queues = new();
    private readonly ConcurrentDictionary<long, QueueSignal> _signals = new();
    private readonly ConcurrentDictionary<long, DateTimeOffset> _purges = new();

    public QueueService(IQueueStore store, TimeProvider timeProvider, ILogger<QueueService> logger, IMetricsRecorder? metrics = null)
    {
        _metrics = metrics is { Enabled: true } ? metrics : null;
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(timeProvider);
        ArgumentNullException.ThrowIfNull(logger);
        _store = store;
        _timeProvider = timeProvider;
        _logger = logger;
    }

    /// <summary>
    /// CreateQueue: creates the queue, or returns the existing one of that name when every attribute the request
    /// names has the same value (else QueueAlreadyExists, as on AWS).
    /// </summary>
    public async Task<QueueRecord> CreateQueueAsync(
        Scope scope,
        string name,
        IReadOnlyDictionary<string, string>? attributes,
        IReadOnlyDictionary<string, string>? tags,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(scope);
        var fifo = attributes is not null && attributes.TryGetValue(QueueAttributeNames.FifoQueue, out var fifoValue)
            && string.Equals(fifoValue, "true", StringComparison.OrdinalIgnoreCase);
        QueueValidator.ValidateName(name, fifo);
        var normalized = QueueValidator.ForNewQueue(attributes, fifo);
        if (await FindQueueAsync(scope, name, cancellationToken) is { } existing)
        {
            CheckSameAttributes(existing, attributes, normalized);
            return existing;
        }

        if (normalized.TryGetValue(QueueAttributeNames.RedrivePolicy, out var redrive))
        {
            await CheckDeadLetterTargetAsync(redrive, cancellationToken);
        }

        var now = _timeProvider.GetUtcNow();
        var created = await _store.CreateQueueAsync(
            new QueueRecord
            {
                Scope = scope,
                Name = name,
                Attributes = normalized,
                Tags = tags is null ? new Dictionary<string, string>() : new Dictionary<string, string>(tags, StringComparer.Ordinal),
                CreatedAt = now,
                LastModifiedAt = now,
            },
            cancellationToken);
        if (created.CreatedAt != now)
        {
            // Another request created it first.
            CheckSameAttributes(created, attributes, normalized);
        }

        _queues[(scope.Account, scope.Region, name)] = created;
        Log.QueueCreated(_logger, created.Arn);
        return created;
    }

    /// <summary>The queue of that name, or null.</summary>
    public async Task<QueueRecord?> FindQueueAsync(Scope scope, string name, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(scope);
        var key = (scope.Account, scope.Region, name);
        if (_queues.TryGetValue(key, out var cached))
        {
            return cached;
        }

        var stored = await _store.GetQueueAsync(scope, name, cancellationToken);
        if (stored is not null)
        {
            _queues.TryAdd(key, stored);
        }

        return stored;
    }

    /// <summary>The queue of that name; QueueDoesNotExist when there is none.</summary>
    public async Task<QueueRecord> GetQueueAsync(Scope scope, string name, CancellationToken cancellationToken) =>
        await FindQueueAsync(scope, name, cancellationToken) ?? throw QueueErrors.QueueDoesNotExist();

    /// <summary>The queue with this ARN (<c>arn:aws:sqs:region:account:name</c>), or null when there is none.</summary>
    public Task<QueueRecord?> GetQueueByArnAsync(string queueArn, CancellationToken cancellationToken) =>
        QueueArn.TryParse(queueArn, out var scope, out var name)
            ? FindQueueAsync(scope, name, cancellationToken)
            : Task.FromResult<QueueRecord?>(null);

    /// <summary>
    /// ListQueues: names starting with <paramref name="prefix"/>; without <paramref name="maxResults"/> up to 1,000
    /// and no token, with it pages of that size and a NextToken while more remain.
    /// </summary>
    public async Task<QueuePage> ListQueuesAsync(Scope scope, string? prefix, int? maxResults, string? nextToken, CancellationToken cancellationToken)
    {
        if (maxResults is < 1 or > MaxListResults)
        {
            throw QueueErrors.InvalidParameter("MaxResults", maxResults.Value.ToString(CultureInfo.InvariantCulture), "MaxResults must be an integer between 1 and 1000.");
        }

        var after = nextToken is { Length: > 0 } ? DecodeToken(nextToken) : null;

        var limit = maxResults ?? MaxListResults;
        var queues = await _store.ListQueuesAsync(scope, prefix, after, limit + 1, cancellationToken);
        if (queues.Count <= limit)
        {
            return new QueuePage(queues, null);
        }

        var page = new List<QueueRecord>(limit);
        for (var i = 0; i < limit; i++)
        {
            page.Add(queues[i]);
        }

        return new QueuePage(page, maxResults is null ? null : Convert.ToBase64String(Encoding.UTF8.GetBytes(page[^1].Name)));
    }

    /// <summary>ListDeadLetterSourceQueues: the queues of the same scope whose RedrivePolicy targets <paramref name="deadLetterQueue"/>.</summary>
    public async Task<QueuePage> ListDeadLetterSourceQueuesAsync(QueueRecord deadLetterQueue, int? maxResults, string? nextToken, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(deadLetterQueue);
        var sources = new List<QueueRecord>();
        string? after = null;
        while (true)
        {
            var page = await ListQueuesAsync(deadLetterQueue.Scope, null, MaxListResults, after, cancellationToken);
            foreach (var queue in page.Queues)
            {
                if (queue.Settings.RedrivePolicy?.DeadLetterTargetArn == deadLetterQueue.Arn)
                {
                    sources.Add(queue);
                }
            }

            if (page.NextToken is null)
            {
                break;
            }

            after = page.NextToken;
        }

        if (maxResults is < 1 or > MaxListResults)
        {
            throw QueueErrors.InvalidParameter("MaxResults", maxResults.Value.ToString(CultureInfo.InvariantCulture), "MaxResults must be an integer between 1 and 1000.");
        }

        var start = 0;
        if (nextToken is { Length: > 0 })
        {
            var afterName = DecodeToken(nextToken);
            while (start < sources.Count && string.CompareOrdinal(sources[start].Name, afterName) <= 0)
            {
                start++;
            }
        }

        var limit = maxResults ?? MaxListResults;
        var count = Math.Min(limit, sources.Count - start);
        var result = sources.GetRange(start, count);
        var more = start + count < sources.Count && maxResults is not null;
        return new QueuePage(result, more ? Convert.ToBase64String(Encoding.UTF8.GetBytes(result[^1].Name)) : null);
    }

    public async Task DeleteQueueAsync(QueueRecord queue, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(queue);
        await _store.DeleteQueueAsync(queue.Id, cancellationToken);
        _queues.TryRemove((queue.Scope.Account, queue.Scope.Region, queue.Name), out _);
        if (_signals.TryRemove(queue.Id, out var signal))
        {
            signal.Notify();
        }

        Log.QueueDeleted(_logger, queue.Arn);
    }

    /// <summary>Removes up to 5,000 messages past their queue's retention period from storage; returns how many.</summary>
    public Task<int> DeleteExpiredMessagesAsync(CancellationToken cancellationToken) =>
        _store.DeleteExpiredAsync(_timeProvider.GetUtcNow(), 5000, cancellationToken);

    /// <summary>
    /// Completes when a message may be available on the queue (a send, a visibility change, a delay or visibility
    /// timeout running out) or after <paramref name="maxWait"/>; true when signalled. For pollers that must not spin.
    /// </summary>
    public async Task<bool> WaitForMessagesAsync(string queueArn, TimeSpan maxWait, CancellationToken cancellationToken)
    {
        var queue = await GetQueueByArnAsync(queueArn, cancellationToken) ?? throw QueueErrors.QueueDoesNotExist();
        return await WaitAsync(Signal(queue.Id).Current, maxWait, cancellationToken);
    }

    private static string DecodeToken(string nextToken)
    {
        try
        {
            return Encoding.UTF8.GetString(Convert.FromBase64String(nextToken));
        }
        catch (FormatException)
        {
            throw QueueErrors.InvalidParameterValue("Invalid NextToken value.");
        }
    }

    private static void CheckSameAttributes(QueueRecord existing, IReadOnlyDictionary<string, string>? requested, Dictionary<string, string> normalized)
    {
        if (requested is null)
        {
            return;
        }

        foreach (var name in requested.Keys)
        {
            normalized.TryGetValue(name, out var wanted);
            existing.Attributes.TryGetValue(name, out var current);
            if (!string.Equals(wanted ?? string.Empty, current ?? string.Empty, StringComparison.Ordinal))
            {
                throw QueueErrors.QueueAlreadyExists(name);
            }
        }
    }

    private async Task CheckDeadLetterTargetAsync(string redrivePolicy, CancellationToken cancellationToken)
    {
        var policy = QueueValidator.ParseRedrivePolicy(redrivePolicy);
        if (await GetQueueByArnAsync(policy.DeadLetterTargetArn, cancellationToken) is null)
        {
            throw QueueErrors.InvalidParameter("RedrivePolicy", redrivePolicy, "Dead letter target does not exist.");
        }
    }

    public void Dispose() => _metadataLock.Dispose();

    /// <summary>Applies <paramref name="change"/> to the queue as stored now (not as the caller last saw it) and saves it.</summary>
    private async Task ChangeAsync(QueueRecord queue, Func<QueueRecord, QueueRecord> change, CancellationToken cancellationToken)
    {
        await _metadataLock.WaitAsync(cancellationToken);
        try
        {
            var fresh = await _store.GetQueueAsync(queue.Scope, queue.Name, cancellationToken);
            if (fresh is null || fresh.Id != queue.Id)
            {
                _queues.TryRemove((queue.Scope.Account, queue.Scope.Region, queue.Name), out _);
                throw QueueErrors.QueueDoesNotExist();
            }

            await SaveAsync(change(fresh), cancellationToken);
        }
        finally
        {
            _metadataLock.Release();
        }
    }

    private async Task SaveAsync(QueueRecord queue, CancellationToken cancellationToken)
    {
        if (!await _store.UpdateQueueAsync(queue, cancellationToken))
        {
            _queues.TryRemove((queue.Scope.Account, queue.Scope.Region, queue.Name), out _);
            throw QueueErrors.QueueDoesNotExist();
        }

        _queues[(queue.Scope.Account, queue.Scope.Region, queue.Name)] = queue;
    }

    private QueueSignal Signal(long queueId) => _signals.GetOrAdd(queueId, static _ => new QueueSignal());

    private void Notify(long queueId)
    {
        if (_signals.TryGetValue(queueId, out var signal))
        {
            signal.Notify();
        }
    }

    /// <summary>Awaits a signal for at most <paramref name="timeout"/>; true when signalled.</summary>
    private async Task<bool> WaitAsync(Task signal, TimeSpan timeout, CancellationToken cancellationToken)
    {
        if (signal.IsCompleted)
        {
            return true;
        }

        if (timeout <= TimeSpan.Zero)
        {
            return false;
        }

        using var delay = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var timer = Task.Delay(timeout, _timeProvider, delay.Token);
        var first = await Task.WhenAny(signal, timer);
        await delay.CancelAsync();
        cancellationToken.ThrowIfCancellationRequested();
        return first == signal;
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 4300, Level = LogLevel.Information, Message = "Created queue {QueueArn}")]
        public static partial void QueueCreated(ILogger logger, string queueArn);

        [LoggerMessage(EventId = 4301, Level = LogLevel.Information, Message = "Deleted queue {QueueArn}")]
        public static partial void QueueDeleted(ILogger logger, string queueArn);

        [LoggerMessage(EventId = 4302, Level = LogLevel.Information, Message = "Purged {Count} messages from queue {QueueArn}")]
        public static partial void QueuePurged(ILogger logger, string queueArn, int count);

        [LoggerMessage(EventId = 4303, Level = LogLevel.Debug, Message = "Moved {Count} messages of {QueueArn} to its dead-letter queue")]
        public static partial void MovedToDeadLetter(ILogger logger, string queueArn, int count);
    }
}
