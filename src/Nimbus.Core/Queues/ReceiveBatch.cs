// SPDX-License-Identifier: Apache-2.0
namespace Nimbus.Core.Queues;

/// <summary>
/// What a receive did: the messages delivered, how many moved to the dead-letter queue, and, when nothing was
/// delivered, when the earliest invisible message becomes visible (so a long poll knows how long to sleep).
/// </summary>
public sealed record ReceiveBatch(IReadOnlyList<QueueMessage> Messages, int MovedToDeadLetter, DateTimeOffset? NextVisibleAt);
