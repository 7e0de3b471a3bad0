// SPDX-License-Identifier: Apache-2.0
namespace Nimbus.Api.CloudTrail;

/// <summary>A CloudTrail client error: its type (the model's exception shape) and message.</summary>
internal sealed class CloudTrailException(string errorType, string message) : Exception(message)
{
    public string ErrorType { get; } = errorType;
}
