// SPDX-License-Identifier: Apache-2.0
namespace Nimbus.Events.Async;

/// <summary>
/// Sends a message to a queue by its ARN, for asynchronous-invocation destinations and dead-letter queues.
/// Implemented by the built-in queue service; durable once the task completes.
/// </summary>
public interface IQueueDestination
{
    /// <summary>True when a queue with this ARN exists.</summary>
    Task<bool> ExistsAsync(string queueArn, CancellationToken cancellationToken);

    /// <returns>False when there is no queue with that ARN.</returns>
    Task<bool> SendAsync(string queueArn, string body, IReadOnlyDictionary<string, QueueAttributeValue> attributes, string? traceHeader, CancellationToken cancellationToken);
}
