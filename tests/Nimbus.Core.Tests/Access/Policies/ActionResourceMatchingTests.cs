// SPDX-License-Identifier: Apache-2.0
using Nimbus.Core.Access.Policies;
using static Nimbus.Core.Tests.Access.Policies.PolicyJson;

namespace Nimbus.Core.Tests.Access.Policies;

/// <summary>
/// Action and Resource matching (IAM User Guide, reference_policies_elements_action, _notaction, _resource,
/// _notresource): actions case-insensitive with <c>*</c> and <c>?</c>; resources case-sensitive, wildcards within an ARN
/// segment, the last segment spelled out reaching the rest of the ARN.
/// </summary>
public sealed class ActionResourceMatchingTests
{
    [Theory]
    [InlineData("s3:GetObject", "s3:GetObject", true)]
    [InlineData("S3:getobject", "s3:GetObject", true)]
    [InlineData("s3:GetObject", "S3:GETOBJECT", true)]
    [InlineData("s3:*", "s3:PutObject", true)]
    [InlineData("s3:*", "s3express:PutObject", false)]
    [InlineData("*", "lambda:InvokeFunction", true)]
    // reference_policies_elements_action: "iam:*AccessKey*" covers the access key actions.
    [InlineData("iam:*AccessKey*", "iam:CreateAccessKey", true)]
    [InlineData("iam:*AccessKey*", "iam:ListAccessKeys", true)]
    [InlineData("iam:*AccessKey*", "iam:CreateUser", false)]
    [InlineData("ec2:Describe*", "ec2:DescribeInstances", true)]
    [InlineData("lambda:Get?unction", "lambda:GetFunction", true)]
    [InlineData("lambda:Get?unction", "lambda:GetFFunction", false)]
    [InlineData("lambda:GetFunction", "lambda:GetFunctionConfiguration", false)]
    [InlineData("lambda:*Function*", "lambda:GetFunctionConfiguration", true)]
    [InlineData("lambda:Invoke*", "lambda:Invoke", true)]
    public void Action_MatchesCaseInsensitively(string pattern, string action, bool allowed)
    {
        var policy = Statements($"{{'Effect': 'Allow', 'Action': '{pattern}', 'Resource': '*'}}");
        Assert.Equal(allowed ? PolicyDecision.Allow : PolicyDecision.Deny, Decide(policy, Request(action, "*")));
    }

    [Theory]
    // reference_policies_elements_notaction: Allow with NotAction iam:* allows everything but IAM.
    [InlineData("s3:GetObject", true)]
    [InlineData("lambda:InvokeFunction", true)]
    [InlineData("iam:CreateUser", false)]
    [InlineData("IAM:createuser", false)]
    public void NotAction_AllowsEverythingElse(string action, bool allowed)
    {
        var policy = Statements("{'Effect': 'Allow', 'NotAction': 'iam:*', 'Resource': '*'}");
        Assert.Equal(allowed, Decide(policy, Request(action, "*")) == PolicyDecision.Allow);
    }

    [Theory]
    [InlineData("*", "arn:aws:lambda:us-east-1:000000000000:function:f", true)]
    [InlineData("arn:aws:lambda:us-east-1:000000000000:function:f", "arn:aws:lambda:us-east-1:000000000000:function:f", true)]
    [InlineData("arn:aws:lambda:us-east-1:000000000000:function:F", "arn:aws:lambda:us-east-1:000000000000:function:f", false)]
    [InlineData("arn:aws:lambda:*:000000000000:function:f", "arn:aws:lambda:eu-west-1:000000000000:function:f", true)]
    [InlineData("arn:aws:lambda:us-east-1:*:function:*", "arn:aws:lambda:us-east-1:000000000000:function:g", true)]
    [InlineData("arn:aws:lambda:us-east-1:000000000000:function:*", "arn:aws:lambda:us-east-1:000000000000:function:f:prod", true)]
    [InlineData("arn:aws:lambda:us-east-1:000000000000:function:f", "arn:aws:lambda:us-east-1:000000000000:function:f:prod", false)]
    [InlineData("arn:aws:lambda:us-east-1:000000000000:function:f:*", "arn:aws:lambda:us-east-1:000000000000:function:f", false)]
    [InlineData("arn:aws:lambda:us-east-1:000000000000:function:f?", "arn:aws:lambda:us-east-1:000000000000:function:f1", true)]
    [InlineData("arn:aws:lambda:*", "arn:aws:lambda:us-east-1:000000000000:function:f", true)]
    [InlineData("arn:aws:iam::*", "arn:aws:iam::000000000000:user/alice", true)]
    // A star in the region segment does not reach across the colons to the account.
    [InlineData("arn:aws:lambda:*:function:f", "arn:aws:lambda:us-east-1:000000000000:function:f", false)]
    [InlineData("arn:aws:lambda:us-*-1:000000000000:function:f", "arn:aws:lambda:us-east-1:000000000000:function:f", true)]
    [InlineData("arn:aws:s3:::amzn-s3-demo-bucket/*", "arn:aws:s3:::amzn-s3-demo-bucket/a/b.txt", true)]
    [InlineData("arn:aws:s3:::amzn-s3-demo-bucket/*", "arn:aws:s3:::amzn-s3-demo-bucket", false)]
    [InlineData("arn:aws:s3:::*log*", "arn:aws:s3:::my-logs", true)]
    [InlineData("arn:aws:sqs:us-east-1:000000000000:q", "arn:aws:sqs:us-east-1:000000000000", false)]
    public void Resource_MatchesSegmentWise(string pattern, string resource, bool allowed)
    {
        var policy = Statements($"{{'Effect': 'Allow', 'Action': '*', 'Resource': '{pattern}'}}");
        Assert.Equal(allowed, Decide(policy, Request("lambda:GetFunction", resource)) == PolicyDecision.Allow);
    }

    [Fact]
    public void Resource_AnyOfSeveral_Matches()
    {
        var policy = Statements("{'Effect': 'Allow', 'Action': 'lambda:*', 'Resource': ['arn:aws:lambda:us-east-1:000000000000:function:a', 'arn:aws:lambda:us-east-1:000000000000:function:b']}");
        Assert.Equal(PolicyDecision.Allow, Decide(policy, Request("lambda:GetFunction", "arn:aws:lambda:us-east-1:000000000000:function:b")));
        Assert.Equal(PolicyDecision.Deny, Decide(policy, Request("lambda:GetFunction", "arn:aws:lambda:us-east-1:000000000000:function:c")));
    }

    [Theory]
    // reference_policies_elements_notresource: Deny with NotResource denies everything but the listed resources.
    [InlineData("arn:aws:lambda:us-east-1:000000000000:function:public", PolicyDecision.Allow)]
    [InlineData("arn:aws:lambda:us-east-1:000000000000:function:private", PolicyDecision.Deny)]
    public void NotResource_DenyEverythingElse(string resource, PolicyDecision expected)
    {
        var policy = Statements("""
            {'Effect': 'Allow', 'Action': 'lambda:*', 'Resource': '*'},
            {'Effect': 'Deny', 'Action': 'lambda:*', 'NotResource': 'arn:aws:lambda:us-east-1:000000000000:function:public'}
            """);
        Assert.Equal(expected, Decide(policy, Request("lambda:InvokeFunction", resource)));
    }
}
