// SPDX-License-Identifier: Apache-2.0
using System.Collections.Concurrent;
using System.Globalization;
using System.Threading.Channels;
using Nimbus.Events.Mappings;

namespace Nimbus.Events.Tests.Support;

/// <summary>
/// One queue as a mapping's pollers see it: a received message stays hidden until it is deleted or given back (a
/// visibility shorter than the queue's: the poller's backoff after a throttle or a problem, modelled as over at once),
/// a long poll that waits for a message or cancellation, and a record of what was deleted.
/// </summary>
internal sealed class FakeQueueSource(string queueArn) : IQueueSource
{
    private readonly ConcurrentQueue<SourceMessage> _available = new();
    private readonly ConcurrentQueue<string> _deleted = new();
    private readonly ConcurrentDictionary<string, SourceMessage> _inFlight = new(StringComparer.Ordinal);
    private int _added;
    private TaskCompletionSource _arrived = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Channel<bool> _deletes = Channel.CreateUnbounded<bool>();

    public IReadOnlyCollection<string> Deleted => _deleted;

    public void Add(int count)
    {
        for (var i = 0; i < count; i++)
        {
            var id = string.Create(CultureInfo.InvariantCulture, $"m-{Interlocked.Increment(ref _added):D4}");
            _available.Enqueue(new SourceMessage
            {
                MessageId = id,
                ReceiptHandle = "rh-" + id,
                Body = "{\"id\":\"" + id + "\"}",
                Md5OfBody = "00000000000000000000000000000000",
                Attributes = [],
            });
        }

        Interlocked.Exchange(ref _arrived, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
    }

    public Task<SourceQueueSettings?> GetQueueAsync(string queueArn1, CancellationToken cancellationToken) =>
        Task.FromResult<SourceQueueSettings?>(new SourceQueueSettings(queueArn, TimeSpan.FromSeconds(30), IsFifo: false, DeadLetterTargetArn: null));

    public async Task<IReadOnlyList<SourceMessage>> ReceiveAsync(string queueArn1, int max, TimeSpan wait, CancellationToken cancellationToken)
    {
        while (true)
        {
            var arrived = Volatile.Read(ref _arrived);
            var batch = new List<SourceMessage>(max);
            while (batch.Count < max && _available.TryDequeue(out var message))
            {
                _inFlight[message.ReceiptHandle] = message;
                batch.Add(message);
            }

            if (batch.Count > 0 || wait <= TimeSpan.Zero)
            {
                return batch;
            }

            // A long poll: wait for messages (the wait's length is not modelled; cancellation ends it).
            await arrived.Task.WaitAsync(cancellationToken);
        }
    }

    public Task DeleteAsync(string queueArn1, IReadOnlyList<string> receiptHandles, CancellationToken cancellationToken)
    {
        foreach (var handle in receiptHandles)
        {
            _inFlight.TryRemove(handle, out _);
            _deleted.Enqueue(handle);
        }

        _deletes.Writer.TryWrite(true);
        return Task.CompletedTask;
    }

    public Task SetVisibilityAsync(string queueArn1, IReadOnlyList<string> receiptHandles, TimeSpan timeout, CancellationToken cancellationToken)
    {
        if (timeout < TimeSpan.FromSeconds(30))
        {
            foreach (var handle in receiptHandles)
            {
                if (_inFlight.TryRemove(handle, out var message))
                {
                    _available.Enqueue(message);
                }
            }

            Interlocked.Exchange(ref _arrived, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
        }

        return Task.CompletedTask;
    }

    /// <summary>Waits until <paramref name="count"/> messages were deleted (a fail-safe bounds it).</summary>
    public async Task WaitForDeletedAsync(int count, CancellationToken cancellationToken)
    {
        using var failSafe = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        failSafe.CancelAfter(TimeSpan.FromSeconds(30));
        while (_deleted.Count < count)
        {
            await _deletes.Reader.ReadAsync(failSafe.Token);
        }
    }
}
