// SPDX-License-Identifier: Apache-2.0
namespace Nimbus.Core.Queues;

/// <summary>
/// The outcome of storing one message: its id and, on a FIFO queue, its sequence number. A duplicate within the
/// deduplication window is not stored again; the first message's id and sequence number are answered.
/// </summary>
public sealed record SentMessage(string MessageId, long SequenceNumber, bool Duplicate);
