// SPDX-License-Identifier: Apache-2.0
namespace Nimbus.Events.Mappings;

/// <summary>The settings of a polled queue that matter to its mapping.</summary>
public sealed record SourceQueueSettings(string Arn, TimeSpan VisibilityTimeout, bool IsFifo, string? DeadLetterTargetArn);
