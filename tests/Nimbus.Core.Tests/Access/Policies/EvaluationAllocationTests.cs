// SPDX-License-Identifier: Apache-2.0
using System.Net;
using Nimbus.Core.Access;
using Nimbus.Core.Access.Policies;
using Nimbus.TestKit;
using static Nimbus.Core.Tests.Access.Policies.PolicyJson;

namespace Nimbus.Core.Tests.Access.Policies;

/// <summary>Evaluating a request reads the compiled policy in place: nothing is allocated per request.</summary>
public sealed class EvaluationAllocationTests
{
    [Fact]
    public void Evaluate_TenStatementPolicy_AllocatesNothing()
    {
        var policy = Statements("""
            {'Sid': 'ReadOwn', 'Effect': 'Allow', 'Action': ['lambda:Get*', 'lambda:List*'], 'Resource': 'arn:aws:lambda:*:000000000000:function:${aws:username}-*'},
            {'Sid': 'Invoke', 'Effect': 'Allow', 'Action': 'lambda:InvokeFunction', 'Resource': 'arn:aws:lambda:us-east-1:000000000000:function:f', 'Condition': {'IpAddress': {'aws:SourceIp': ['10.0.0.0/8', '2001:db8::/32']}}},
            {'Sid': 'Office', 'Effect': 'Deny', 'Action': '*', 'Resource': '*', 'Condition': {'NotIpAddress': {'aws:SourceIp': ['10.0.0.0/8', '192.0.2.0/24']}}},
            {'Sid': 'Tls', 'Effect': 'Deny', 'Action': '*', 'Resource': '*', 'Condition': {'Bool': {'aws:SecureTransport': 'false'}}},
            {'Sid': 'Window', 'Effect': 'Allow', 'Action': 'lambda:Update*', 'Resource': '*', 'Condition': {'DateLessThan': {'aws:CurrentTime': '2030-01-01T00:00:00Z'}}},
            {'Sid': 'Regions', 'Effect': 'Deny', 'NotAction': ['iam:*', 'sts:*'], 'Resource': '*', 'Condition': {'StringNotEquals': {'aws:RequestedRegion': ['us-east-1', 'eu-west-1']}}},
            {'Sid': 'Queues', 'Effect': 'Allow', 'Action': 'sqs:*', 'Resource': 'arn:aws:sqs:us-east-1:000000000000:${aws:username}-*'},
            {'Sid': 'Tags', 'Effect': 'Allow', 'Action': 'lambda:TagResource', 'Resource': '*', 'Condition': {'ForAllValues:StringEquals': {'aws:TagKeys': ['team', 'env']}}},
            {'Sid': 'Self', 'Effect': 'Allow', 'Action': 'iam:*AccessKey*', 'Resource': 'arn:aws:iam::000000000000:user/${aws:username}'},
            {'Sid': 'NoDelete', 'Effect': 'Deny', 'Action': 'lambda:Delete*', 'NotResource': 'arn:aws:lambda:*:*:function:scratch-*'}
            """);
        var caller = new CallerIdentity(Alice, "000000000000", "AIDAEXAMPLE", "User", "alice");
        var keys = ContextKeys.ForCaller(caller, IPAddress.Parse("10.1.2.3"), new DateTimeOffset(2026, 12, 3, 5, 0, 0, TimeSpan.Zero), "us-east-1", secureTransport: true);
        var allowed = Request("lambda:InvokeFunction", FunctionF, keys);
        var denied = Request("lambda:DeleteFunction", FunctionF, keys);
        Assert.Equal(DecisionReason.AllowedByIdentityPolicy, PolicyEvaluator.Evaluate(allowed, [policy]).Reason);
        Assert.Equal(DecisionReason.ExplicitDenyInIdentityPolicy, PolicyEvaluator.Evaluate(denied, [policy]).Reason);
        PolicyDocument[] policies = [policy];

        var allocated = Allocations.LeastOf(() =>
        {
            for (var i = 0; i < 1000; i++)
            {
                PolicyEvaluator.Evaluate(allowed, policies);
                PolicyEvaluator.Evaluate(denied, policies);
            }
        });

        Assert.Equal(0, allocated);
    }
}
