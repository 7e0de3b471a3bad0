// SPDX-License-Identifier: Apache-2.0
namespace Nimbus.Server.PowerTuning;

/// <summary>Power tuning cannot go on: an API call failed or the function did; the message says which and why.</summary>
internal sealed class PowerTuningException(string message, string? errorType = null) : Exception(message)
{
    /// <summary>The service's error type when an API call failed (ResourceConflictException ...), else null.</summary>
    public string? ErrorType { get; } = errorType;
}
