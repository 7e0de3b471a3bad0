// SPDX-License-Identifier: Apache-2.0
namespace Nimbus.Core.Access.Policies;

/// <summary>The global condition keys Nimbus puts in every request's context (IAM User Guide,
/// reference_policies_condition-keys). Services add their own (lambda:FunctionArn, ...).</summary>
public static class GlobalConditionKeys
{
    public const string SourceIp = "aws:SourceIp";
    public const string CurrentTime = "aws:CurrentTime";
    public const string EpochTime = "aws:EpochTime";
    public const string PrincipalArn = "aws:PrincipalArn";
    public const string PrincipalAccount = "aws:PrincipalAccount";
    public const string PrincipalType = "aws:PrincipalType";
    public const string Username = "aws:username";
    public const string UserId = "aws:userid";
    public const string RequestedRegion = "aws:RequestedRegion";
    public const string SecureTransport = "aws:SecureTransport";
}
