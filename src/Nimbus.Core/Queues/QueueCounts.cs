// SPDX-License-Identifier: Apache-2.0
namespace Nimbus.Core.Queues;

/// <summary>ApproximateNumberOfMessages, …NotVisible and …Delayed.</summary>
public sealed record QueueCounts(long Visible, long NotVisible, long Delayed);
