// SPDX-License-Identifier: Apache-2.0
namespace Nimbus.Core.Logs.Patterns;

/// <summary>A filter pattern that does not parse; the API answers it as InvalidParameterException.</summary>
public sealed class InvalidFilterPatternException(string reason) : Exception($"Invalid filter pattern: {reason}")
{
    public string Reason { get; } = reason;
}
