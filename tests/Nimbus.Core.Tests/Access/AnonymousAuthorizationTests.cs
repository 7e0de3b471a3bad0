// SPDX-License-Identifier: Apache-2.0
using System.Net;
using Nimbus.Core.Access;
using Nimbus.Core.Access.Identity;
using Nimbus.Core.Access.Policies;

namespace Nimbus.Core.Tests.Access;

/// <summary>
/// Unsigned callers (a function URL with AuthType NONE): only a resource-based statement for everyone allows them, its
/// conditions read the request's keys, a Deny for everyone closes, and grants to an account or a principal never apply
/// (Lambda Developer Guide, urls-auth: the two statements a NONE URL needs).
/// </summary>
public sealed class AnonymousAuthorizationTests
{
    private const string Function = "arn:aws:lambda:us-east-1:000000000000:function:web";
    private static readonly RequestOrigin Origin = new(IPAddress.Parse("192.0.2.10"), false, "us-east-1");
    private static readonly Authorizer Authorizer = new(new NoIdentityPolicies(), TimeProvider.System);

    [Theory]
    [InlineData("""{"Principal":"*","Condition":{"StringEquals":{"lambda:FunctionUrlAuthType":"NONE"}}}""", true)]
    [InlineData("""{"Principal":{"AWS":"*"},"Condition":{"StringEquals":{"lambda:FunctionUrlAuthType":"NONE"}}}""", true)]
    [InlineData("""{"Principal":"*","Condition":{"StringEquals":{"lambda:FunctionUrlAuthType":"AWS_IAM"}}}""", false)]
    [InlineData("""{"Principal":{"AWS":"000000000000"},"Condition":{"StringEquals":{"lambda:FunctionUrlAuthType":"NONE"}}}""", false)]
    [InlineData("""{"Principal":{"AWS":"arn:aws:iam::000000000000:root"}}""", false)]
    [InlineData("""{"Principal":{"Service":"s3.amazonaws.com"}}""", false)]
    [InlineData("""{"Principal":"*","Condition":{"IpAddress":{"aws:SourceIp":"192.0.2.0/24"}}}""", true)]
    [InlineData("""{"Principal":"*","Condition":{"IpAddress":{"aws:SourceIp":"198.51.100.0/24"}}}""", false)]
    [InlineData("""{"Principal":"*","Condition":{"StringEquals":{"aws:PrincipalType":"Anonymous","aws:userid":"anonymous"}}}""", true)]
    [InlineData("""{"Principal":"*","Condition":{"Null":{"aws:PrincipalArn":"true","aws:PrincipalAccount":"true"}}}""", true)]
    public async Task EvaluateAsync_Anonymous_OnlyAGrantToEveryoneAllows(string statement, bool allowed)
    {
        var policy = Policy(statement, "Allow");
        var keys = new ContextKeys().Set("lambda:FunctionUrlAuthType", "NONE");

        var result = await Authorizer.EvaluateAsync(CallerIdentity.Anonymous, Origin, "lambda:InvokeFunctionUrl", Function, TestContext.Current.CancellationToken, keys, policy);

        Assert.Equal(allowed, result.IsAllowed);
        Assert.Equal(allowed ? DecisionReason.AllowedByResourcePolicy : DecisionReason.NoResourcePolicyAllows, result.Reason);
    }

    [Fact]
    public async Task EvaluateAsync_Anonymous_WithoutAPolicy_IsDenied()
    {
        var result = await Authorizer.EvaluateAsync(CallerIdentity.Anonymous, Origin, "lambda:InvokeFunctionUrl", Function, TestContext.Current.CancellationToken);

        Assert.False(result.IsAllowed);
    }

    [Fact]
    public async Task EvaluateAsync_Anonymous_DenyForEveryone_WinsOverTheGrant()
    {
        var policy = PolicyParser.Parse($$$$"""
            {"Version":"2012-10-17","Statement":[
              {"Effect":"Allow","Principal":"*","Action":"lambda:InvokeFunction","Resource":"{{{{Function}}}}","Condition":{"Bool":{"lambda:InvokedViaFunctionUrl":"true"}}},
              {"Effect":"Deny","Principal":"*","Action":"lambda:InvokeFunction","Resource":"{{{{Function}}}}","Condition":{"IpAddress":{"aws:SourceIp":"192.0.2.0/24"}}}]}
            """, PolicyKind.Resource);
        var keys = new ContextKeys().Set("lambda:InvokedViaFunctionUrl", ContextValue.Bool(true));

        var result = await Authorizer.EvaluateAsync(CallerIdentity.Anonymous, Origin, "lambda:InvokeFunction", Function, TestContext.Current.CancellationToken, keys, policy);

        Assert.Equal(DecisionReason.ExplicitDenyInResourcePolicy, result.Reason);
    }

    private static PolicyDocument Policy(string statement, string effect)
    {
        var body = statement[1..^1];
        return PolicyParser.Parse(
            $$"""{"Version":"2012-10-17","Statement":[{"Effect":"{{effect}}","Action":"lambda:InvokeFunctionUrl","Resource":"{{Function}}",{{body}}}]}""",
            PolicyKind.Resource);
    }

    /// <summary>An anonymous caller has no identity policies: asking for them is a defect.</summary>
    private sealed class NoIdentityPolicies : IIdentityPolicySource
    {
        public long Generation => 1;

        public ValueTask<IReadOnlyList<PolicyDocument>> GetPoliciesAsync(string principalArn, CancellationToken cancellationToken) =>
            throw new InvalidOperationException($"identity policies asked for {principalArn}");
    }
}
