// SPDX-License-Identifier: Apache-2.0
using Nimbus.Api.Wire;

namespace Nimbus.Api.CloudTrail;

/// <summary>CloudTrail's wire protocol: AWS JSON 1.1, <c>X-Amz-Target: com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101.{Operation}</c>.</summary>
internal static class CloudTrailProtocol
{
    public const string TargetPrefix = "com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101.";
    public const string ContentType = AwsJsonProtocol.Json11;

    public static readonly AwsJsonProtocol Json = new(TargetPrefix, ContentType);
}
