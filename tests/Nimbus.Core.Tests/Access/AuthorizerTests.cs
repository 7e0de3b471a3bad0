// SPDX-License-Identifier: Apache-2.0
using System.Net;
using Nimbus.Core.Access;
using Nimbus.Core.Access.Identity;
using Nimbus.Core.Access.Policies;

namespace Nimbus.Core.Tests.Access;

public sealed class AuthorizerTests
{
    private const string Queue = "arn:aws:sqs:us-east-1:000000000000:orders";
    private static readonly RequestOrigin Origin = new(IPAddress.Loopback, false, "us-east-1");
    private static readonly CallerIdentity Root = CallerIdentity.ForArn("arn:aws:iam::000000000000:root", "000000000000");
    private static readonly CallerIdentity Session = CallerIdentity.ForArn("arn:aws:sts::000000000000:assumed-role/worker/f", "000000000000", "AROAEXAMPLE");

    private static Authorizer With(string sessionPolicy) => new(
        new Policies(new Dictionary<string, IReadOnlyList<PolicyDocument>> { [Session.Arn] = [PolicyParser.Parse(sessionPolicy, PolicyKind.Identity)] }),
        TimeProvider.System);

    [Theory]
    [InlineData("arn:aws:lambda:us-east-1:000000000000:function:f", true)]
    [InlineData("arn:aws:lambda:us-east-1:111111111111:function:f", false)]
    [InlineData("arn:aws:s3:::bucket", true)]
    [InlineData("*", true)]
    public async Task EvaluateAsync_Root_OwnAccountFastPathOnly(string resource, bool allowedAsRoot)
    {
        var result = await With("""{"Version":"2012-10-17","Statement":[]}""").EvaluateAsync(Root, Origin, "lambda:InvokeFunction", resource, TestContext.Current.CancellationToken);

        Assert.Equal(allowedAsRoot, result.Reason == DecisionReason.AllowedAsAccountRoot);
    }

    [Fact]
    public async Task EvaluateAsync_SessionPolicyWithCondition_ReadsCallerKeys()
    {
        var authorizer = With("""
            {"Version":"2012-10-17","Statement":[
              {"Effect":"Allow","Action":"sqs:SendMessage","Resource":"*","Condition":{"StringEquals":{"aws:PrincipalType":"AssumedRole","aws:RequestedRegion":"us-east-1"}}},
              {"Effect":"Deny","Action":"sqs:SendMessage","Resource":"*","Condition":{"StringEquals":{"aws:userid":"AROAEXAMPLE:other"}}}
            ]}
            """);
        var ct = TestContext.Current.CancellationToken;

        Assert.True((await authorizer.EvaluateAsync(Session, Origin, "sqs:SendMessage", Queue, ct)).IsAllowed);
        Assert.False((await authorizer.EvaluateAsync(Session, Origin with { Region = "eu-west-1" }, "sqs:SendMessage", Queue, ct)).IsAllowed);
    }

    [Fact]
    public async Task EvaluateAsync_ServiceKeysOverrideCallerKeys()
    {
        var authorizer = With("""{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sqs:SendMessage","Resource":"*","Condition":{"StringEquals":{"aws:RequestedRegion":"eu-west-1"}}}]}""");
        var keys = new ContextKeys().Set(GlobalConditionKeys.RequestedRegion, "eu-west-1");

        var result = await authorizer.EvaluateAsync(Session, Origin, "sqs:SendMessage", Queue, TestContext.Current.CancellationToken, keys);

        Assert.True(result.IsAllowed);
    }

    [Fact]
    public async Task EvaluateAsync_RootAndUnconditionedSession_BuildNoConditionKeys()
    {
        var authorizer = With("""{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["sqs:SendMessage","sqs:ReceiveMessage"],"Resource":"arn:aws:sqs:us-east-1:000000000000:orders"}]}""");
        var ct = TestContext.Current.CancellationToken;
        Assert.True((await authorizer.EvaluateAsync(Session, Origin, "sqs:SendMessage", Queue, ct)).IsAllowed);

        var before = GC.GetAllocatedBytesForCurrentThread();
        var root = authorizer.EvaluateAsync(Root, Origin, "lambda:InvokeFunction", "arn:aws:lambda:us-east-1:000000000000:function:f", ct);
        var rootAllocated = GC.GetAllocatedBytesForCurrentThread() - before;
        before = GC.GetAllocatedBytesForCurrentThread();
        var session = authorizer.EvaluateAsync(Session, Origin, "sqs:SendMessage", Queue, ct);
        var sessionAllocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.True(root.IsCompletedSuccessfully && session.IsCompletedSuccessfully);
        Assert.True((await root).IsAllowed && (await session).IsAllowed);
        Assert.Equal(0, rootAllocated);

        // The request's context and the unread caller's snapshot only; filled in, the ten global keys take ~2 KB.
        Assert.True(sessionAllocated <= 400, $"{sessionAllocated} bytes allocated");
    }

    private sealed class Policies(Dictionary<string, IReadOnlyList<PolicyDocument>> byPrincipal) : IIdentityPolicySource
    {
        public long Generation => 1;

        public ValueTask<IReadOnlyList<PolicyDocument>> GetPoliciesAsync(string principalArn, CancellationToken cancellationToken) =>
            ValueTask.FromResult(byPrincipal.TryGetValue(principalArn, out var found) ? found : []);
    }
}
