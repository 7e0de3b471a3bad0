// SPDX-License-Identifier: Apache-2.0
namespace Nimbus.Core.Queues;

/// <summary>A queue's RedrivePolicy: after <see cref="MaxReceiveCount"/> receives a message moves to the dead-letter queue.</summary>
public sealed record RedrivePolicy(string DeadLetterTargetArn, int MaxReceiveCount);
