// SPDX-License-Identifier: Apache-2.0
using System.Collections.Concurrent;
using Nimbus.Events.Async;

namespace Nimbus.Events.Tests.Support;

/// <summary>Queues that exist and keep what is sent to them, in order.</summary>
internal sealed class RecordingQueueDestination : IQueueDestination
{
    private readonly ConcurrentQueue<Sent> _sent = new();

    public IReadOnlyCollection<Sent> Messages => _sent;

    public Task<bool> ExistsAsync(string queueArn, CancellationToken cancellationToken) => Task.FromResult(true);

    public Task<bool> SendAsync(string queueArn, string body, IReadOnlyDictionary<string, QueueAttributeValue> attributes, string? traceHeader, CancellationToken cancellationToken)
    {
        _sent.Enqueue(new Sent(queueArn, body, attributes));
        return Task.FromResult(true);
    }

    internal sealed record Sent(string QueueArn, string Body, IReadOnlyDictionary<string, QueueAttributeValue> Attributes);
}
