// SPDX-License-Identifier: Apache-2.0
namespace Nimbus.Events.Mappings;

/// <summary>What an event source mapping needs of a queue: its settings, receiving, deleting and releasing messages.</summary>
public interface IQueueSource
{
    /// <summary>The queue's settings, or null when it does not exist.</summary>
    Task<SourceQueueSettings?> GetQueueAsync(string queueArn, CancellationToken cancellationToken);

    /// <summary>Up to <paramref name="max"/> (≤ 10) messages, waiting up to <paramref name="wait"/> for the first.</summary>
    Task<IReadOnlyList<SourceMessage>> ReceiveAsync(string queueArn, int max, TimeSpan wait, CancellationToken cancellationToken);

    Task DeleteAsync(string queueArn, IReadOnlyList<string> receiptHandles, CancellationToken cancellationToken);

    /// <summary>
    /// Sets the visibility of received messages to <paramref name="timeout"/> from now: zero or a short delay gives
    /// them back, a longer one keeps them hidden while they are processed. Handles that are no longer valid are skipped.
    /// </summary>
    Task SetVisibilityAsync(string queueArn, IReadOnlyList<string> receiptHandles, TimeSpan timeout, CancellationToken cancellationToken);
}
