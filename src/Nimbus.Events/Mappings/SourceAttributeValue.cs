// SPDX-License-Identifier: Apache-2.0
namespace Nimbus.Events.Mappings;

/// <summary>One message attribute: its name, SQS data type (String, Number, Binary, with an optional .suffix) and value.</summary>
public sealed record SourceAttributeValue(string Name, string DataType, string? StringValue, byte[]? BinaryValue);
