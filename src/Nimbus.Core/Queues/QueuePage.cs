// SPDX-License-Identifier: Apache-2.0
namespace Nimbus.Core.Queues;

/// <summary>One page of ListQueues.</summary>
public sealed record QueuePage(IReadOnlyList<QueueRecord> Queues, string? NextToken);
