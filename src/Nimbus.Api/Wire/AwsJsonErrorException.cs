// SPDX-License-Identifier: Apache-2.0
namespace Nimbus.Api.Wire;

/// <summary>A protocol-level error (a body that is not JSON) raised while an AWS JSON request is read.</summary>
internal sealed class AwsJsonErrorException(AwsJsonError error) : Exception(error.Message)
{
    public AwsJsonError Error { get; } = error;
}
