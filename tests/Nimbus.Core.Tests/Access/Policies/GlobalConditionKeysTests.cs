// SPDX-License-Identifier: Apache-2.0
using System.Net;
using Nimbus.Core.Access;
using Nimbus.Core.Access.Policies;
using static Nimbus.Core.Tests.Access.Policies.PolicyJson;

namespace Nimbus.Core.Tests.Access.Policies;

/// <summary>The global keys a caller's request carries (IAM User Guide, reference_policies_condition-keys), as the
/// documented example policies read them.</summary>
public sealed class GlobalConditionKeysTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 3, 5, 0, 0, TimeSpan.Zero);

    [Fact]
    public void ForCaller_User_SetsEveryGlobalKey()
    {
        var keys = ContextKeys.ForCaller(new CallerIdentity(Alice, "000000000000", "AIDAEXAMPLE", "User", "alice"), IPAddress.Parse("203.0.113.9"), Now, "us-east-1", secureTransport: false);
        string Text(string key) => keys.TryGetSingleText(key, out var text) ? text : "(absent)";
        Assert.Equal(Alice, Text("aws:PrincipalArn"));
        Assert.Equal("000000000000", Text("aws:PrincipalAccount"));
        Assert.Equal("User", Text("aws:PrincipalType"));
        Assert.Equal("alice", Text("AWS:USERNAME"));
        Assert.Equal("AIDAEXAMPLE", Text("aws:userid"));
        Assert.Equal("203.0.113.9", Text("aws:SourceIp"));
        Assert.Equal("2026-12-03T05:00:00Z", Text("aws:CurrentTime"));
        Assert.Equal("1796274000", Text("aws:EpochTime"));
        Assert.Equal("us-east-1", Text("aws:RequestedRegion"));
        Assert.Equal("false", Text("aws:SecureTransport"));
        Assert.Equal(10, keys.Count);
    }

    [Fact]
    public void ForCaller_RoleSession_HasNoUsername()
    {
        var session = "arn:aws:sts::000000000000:assumed-role/worker/f";
        var keys = ContextKeys.ForCaller(new CallerIdentity(session, "000000000000", "AROAEXAMPLE:f", "AssumedRole", null), IPAddress.Loopback, Now, "us-east-1", secureTransport: true);
        Assert.False(keys.TryGet("aws:username", out _));
        // reference_policies_variables: a home-folder policy keyed on aws:username does not apply to a role session.
        var policy = Statements("{'Effect': 'Allow', 'Action': 's3:*', 'Resource': 'arn:aws:s3:::b/home/${aws:username}/*'}");
        Assert.Equal(PolicyDecision.Deny, Decide(policy, new RequestContext(session, "s3:GetObject", "arn:aws:s3:::b/home/f/k", keys)));
    }

    [Theory]
    // reference_policies_examples_aws_deny-ip: deny everything from outside two ranges.
    [InlineData("192.0.2.17", PolicyDecision.Allow)]
    [InlineData("198.51.100.1", PolicyDecision.Deny)]
    public void SourceIp_DenyOutsideRanges(string address, PolicyDecision expected)
    {
        var policy = Statements("""
            {'Effect': 'Allow', 'Action': 'lambda:*', 'Resource': '*'},
            {'Effect': 'Deny', 'Action': '*', 'Resource': '*', 'Condition': {'NotIpAddress': {'aws:SourceIp': ['192.0.2.0/24', '203.0.113.0/24']}, 'Bool': {'aws:ViaAWSService': 'false'}}}
            """);
        var keys = ContextKeys.ForCaller(new CallerIdentity(Alice, "000000000000", "AIDAEXAMPLE", "User", "alice"), IPAddress.Parse(address), Now, "us-east-1", secureTransport: true)
            .Set("aws:ViaAWSService", ContextValue.Bool(false));
        Assert.Equal(expected, Decide(policy, Request("lambda:GetFunction", FunctionF, keys)));
    }

    [Theory]
    // reference_policies_examples_aws_deny-requested-region: deny outside the approved regions.
    [InlineData("eu-central-1", PolicyDecision.Allow)]
    [InlineData("us-west-2", PolicyDecision.Deny)]
    public void RequestedRegion_DenyOutsideRegions(string region, PolicyDecision expected)
    {
        var policy = Statements("""
            {'Effect': 'Allow', 'Action': '*', 'Resource': '*'},
            {'Sid': 'DenyAllOutsideRequestedRegions', 'Effect': 'Deny', 'NotAction': ['cloudfront:*', 'iam:*', 'route53:*', 'support:*'], 'Resource': '*',
             'Condition': {'StringNotEquals': {'aws:RequestedRegion': ['eu-central-1', 'eu-west-1']}}}
            """);
        var keys = ContextKeys.ForCaller(new CallerIdentity(Alice, "000000000000", "AIDAEXAMPLE", "User", "alice"), IPAddress.Loopback, Now, region, secureTransport: true);
        Assert.Equal(expected, Decide(policy, Request("lambda:GetFunction", FunctionF, keys)));
        Assert.Equal(PolicyDecision.Allow, Decide(policy, Request("iam:GetUser", Alice, keys)));
    }
}
