// SPDX-License-Identifier: Apache-2.0
namespace Nimbus.Core.Queues;

/// <summary>
/// A message (user) attribute: its data type (<c>String</c>, <c>Number</c> or <c>Binary</c>, optionally with a
/// custom suffix such as <c>Number.int</c>) and its value, a string for String and Number, bytes for Binary.
/// </summary>
public sealed record MessageAttributeValue
{
    public required string DataType { get; init; }

    public string? StringValue { get; init; }

    public byte[]? BinaryValue { get; init; }

    /// <summary>True when the data type is Binary (or Binary.*): the value travels as bytes.</summary>
    public bool IsBinary => DataType.StartsWith("Binary", StringComparison.Ordinal);
}
