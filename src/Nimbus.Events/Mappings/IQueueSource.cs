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

    /// <summary>Makes a received message visible again after <paramref name="delay"/>.</summary>
    Task ReleaseAsync(string queueArn, string receiptHandle, TimeSpan delay, CancellationToken cancellationToken);
}
