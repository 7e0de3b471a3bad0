// SPDX-License-Identifier: Apache-2.0
namespace Nimbus.Events.Async;

/// <summary>A message attribute as SQS types it: <c>String</c> or <c>Number</c> and its value.</summary>
public readonly record struct QueueAttributeValue(string DataType, string Value);
