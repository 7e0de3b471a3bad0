// SPDX-License-Identifier: Apache-2.0
using Nimbus.Core.Arns;

namespace Nimbus.Core.Queues;

/// <summary>A queue's depth for metrics: messages visible now, and when the oldest message still held was sent.</summary>
public sealed record QueueDepth(Scope Scope, string Name, long Visible, DateTimeOffset? OldestSentAt);
