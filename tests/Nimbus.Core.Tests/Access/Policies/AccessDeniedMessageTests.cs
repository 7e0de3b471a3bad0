// SPDX-License-Identifier: Apache-2.0
using Nimbus.Core.Access.Policies;
using static Nimbus.Core.Tests.Access.Policies.PolicyJson;

namespace Nimbus.Core.Tests.Access.Policies;

/// <summary>AccessDeniedException's text per denial case (IAM User Guide, troubleshoot_access-denied).</summary>
public sealed class AccessDeniedMessageTests
{
    [Fact]
    public void Format_NoIdentityPolicy_IsAwsText()
    {
        var request = Request("lambda:GetFunction", FunctionF);
        var result = PolicyEvaluator.Evaluate(request, [Statements("{'Effect': 'Allow', 'Action': 'lambda:ListFunctions', 'Resource': '*'}")]);
        Assert.Equal(
            "User: arn:aws:iam::000000000000:user/alice is not authorized to perform: lambda:GetFunction on resource: arn:aws:lambda:us-east-1:000000000000:function:f because no identity-based policy allows the lambda:GetFunction action",
            AccessDeniedMessage.Format(request, result));
    }

    [Fact]
    public void Format_ExplicitDenyInIdentityPolicy_IsAwsText()
    {
        var request = Request("lambda:GetFunction", FunctionF);
        var result = PolicyEvaluator.Evaluate(request, [Statements("{'Effect': 'Deny', 'Action': 'lambda:*', 'Resource': '*'}")]);
        Assert.Equal(
            "User: arn:aws:iam::000000000000:user/alice is not authorized to perform: lambda:GetFunction on resource: arn:aws:lambda:us-east-1:000000000000:function:f with an explicit deny in an identity-based policy",
            AccessDeniedMessage.Format(request, result));
    }

    [Theory]
    [InlineData(DecisionReason.ExplicitDenyInResourcePolicy, "with an explicit deny in a resource-based policy")]
    [InlineData(DecisionReason.NoResourcePolicyAllows, "because no resource-based policy allows the lambda:InvokeFunction action")]
    public void Format_ResourcePolicyCases(DecisionReason reason, string clause) =>
        Assert.Equal(
            $"User: arn:aws:iam::111122223333:user/bob is not authorized to perform: lambda:InvokeFunction on resource: {FunctionF} {clause}",
            AccessDeniedMessage.Format("arn:aws:iam::111122223333:user/bob", "lambda:InvokeFunction", FunctionF, reason));

    [Fact]
    public void Format_AnAllow_IsRefused() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => AccessDeniedMessage.Format(Alice, "s3:GetObject", "*", DecisionReason.AllowedByIdentityPolicy));
}
