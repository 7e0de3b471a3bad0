// SPDX-License-Identifier: Apache-2.0
using System.Net;
using Nimbus.Core.Access;
using Nimbus.Core.Access.Identity;
using Nimbus.Core.Access.Policies;
using Nimbus.Core.Functions;
using Nimbus.Core.Tests.Functions;
using static Nimbus.Core.Tests.Permissions.PermissionHarness;

namespace Nimbus.Core.Tests.Permissions;

/// <summary>
/// A function policy as the authorizer applies it to lambda:InvokeFunction (IAM User Guide,
/// reference_policies_evaluation-logic and -cross-account): another account gets in only where a statement names it;
/// within the account an Allow in either policy suffices; a Deny in the function policy stops everyone.
/// </summary>
public sealed class FunctionPolicyEnforcementTests
{
    private const string Other = "210987654321";
    private static readonly RequestOrigin Origin = new(IPAddress.Loopback, false, TestValues.Region);

    private readonly ServiceHarness _h = new();
    private readonly Policies _identity = new();
    private readonly Authorizer _authorizer;

    public FunctionPolicyEnforcementTests()
    {
        _authorizer = new Authorizer(_identity, _h.Time);
    }

    private static CallerIdentity Root(string account) => CallerIdentity.ForArn($"arn:aws:iam::{account}:root", account);

    private static CallerIdentity User(string account, string name) => CallerIdentity.ForArn($"arn:aws:iam::{account}:user/{name}", account);

    private async Task<AuthorizationResult> InvokeAsync(CallerIdentity caller, string function = "fn", string qualifier = FunctionVersion.Latest)
    {
        var policy = await _h.Policies.FindAsync(TestValues.Scope, function, qualifier, Ct);
        var resource = qualifier == FunctionVersion.Latest ? TestValues.Arn(function) : $"{TestValues.Arn(function)}:{qualifier}";
        return await _authorizer.EvaluateAsync(caller, Origin, "lambda:InvokeFunction", resource, Ct, resourcePolicy: policy);
    }

    [Fact]
    public async Task OtherAccount_IsLetInOnlyWhileAStatementNamesIt()
    {
        await _h.CreateActiveAsync("fn");
        Assert.Equal(DecisionReason.NoResourcePolicyAllows, (await InvokeAsync(Root(Other))).Reason);

        await _h.AddAsync("fn", Statement("other", Other));
        Assert.True((await InvokeAsync(Root(Other))).IsAllowed);
        Assert.Equal(DecisionReason.NoResourcePolicyAllows, (await InvokeAsync(Root("111122223333"))).Reason);

        await _h.RemoveAsync("fn", "other");
        var denied = await InvokeAsync(Root(Other));
        Assert.Equal(DecisionReason.NoResourcePolicyAllows, denied.Reason);
        Assert.Equal(
            $"User: arn:aws:iam::{Other}:root is not authorized to perform: lambda:InvokeFunction on resource: {TestValues.Arn("fn")} because no resource-based policy allows the lambda:InvokeFunction action",
            AccessDeniedMessage.Format($"arn:aws:iam::{Other}:root", "lambda:InvokeFunction", TestValues.Arn("fn"), denied.Reason));
    }

    [Fact]
    public async Task OtherAccountsUser_NeedsItsOwnAccountsAllowToo()
    {
        await _h.CreateActiveAsync("fn");
        await _h.AddAsync("fn", Statement("other", Other));
        var bob = User(Other, "bob");

        Assert.Equal(DecisionReason.NoIdentityPolicyAllows, (await InvokeAsync(bob)).Reason);
        _identity.Allow(bob.Arn, "lambda:InvokeFunction");
        Assert.Equal(DecisionReason.AllowedByBoth, (await InvokeAsync(bob)).Reason);
    }

    [Fact]
    public async Task GrantOnTheFunction_DoesNotReachItsAlias()
    {
        await _h.CreateActiveAsync("fn");
        var version = await _h.PublishAsync("fn");
        await _h.AliasAsync("fn", "live", version.Version);
        await _h.AddAsync("fn", Statement("other", Other));

        Assert.Equal(DecisionReason.NoResourcePolicyAllows, (await InvokeAsync(Root(Other), qualifier: "live")).Reason);
        await _h.AddAsync("fn", Statement("other", Other), qualifier: "live");
        Assert.True((await InvokeAsync(Root(Other), qualifier: "live")).IsAllowed);
    }

    [Fact]
    public async Task SameAccountUser_IsAllowedByAStatementNamingIt_ButNotByOneNamingOnlyTheAccount()
    {
        await _h.CreateActiveAsync("fn");
        var alice = User(TestValues.Account, "alice");
        Assert.Equal(DecisionReason.NoIdentityPolicyAllows, (await InvokeAsync(alice)).Reason);

        await _h.AddAsync("fn", Statement("account", TestValues.Account));
        Assert.Equal(DecisionReason.NoIdentityPolicyAllows, (await InvokeAsync(alice)).Reason);

        await _h.AddAsync("fn", Statement("alice", alice.Arn));
        Assert.Equal(DecisionReason.AllowedByResourcePolicy, (await InvokeAsync(alice)).Reason);
    }

    [Fact]
    public async Task DenyInTheFunctionPolicy_StopsEvenTheAccountsRootAndAllowedUsers()
    {
        // AddPermission writes only Allow statements; a Deny reaches the authorizer the same way (a resource policy).
        var deny = PolicyParser.Parse(
            $$"""{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Principal":"*","Action":"lambda:InvokeFunction","Resource":"{{TestValues.Arn("fn")}}"}]}""",
            PolicyKind.Resource);
        var alice = User(TestValues.Account, "alice");
        _identity.Allow(alice.Arn, "lambda:*");

        foreach (var caller in new[] { Root(TestValues.Account), alice })
        {
            var result = await _authorizer.EvaluateAsync(caller, Origin, "lambda:InvokeFunction", TestValues.Arn("fn"), Ct, resourcePolicy: deny);
            Assert.Equal(DecisionReason.ExplicitDenyInResourcePolicy, result.Reason);
        }
    }

    [Fact]
    public async Task ServicePrincipalStatement_DoesNotLetAccountsIn()
    {
        await _h.CreateActiveAsync("fn");
        await _h.AddAsync("fn", Statement() with { SourceArn = "arn:aws:s3:::bucket" });

        Assert.Equal(DecisionReason.NoResourcePolicyAllows, (await InvokeAsync(Root(Other))).Reason);
        Assert.True((await InvokeAsync(Root(TestValues.Account))).IsAllowed);
    }

    /// <summary>Identity-based policies by principal, as IAM would give them.</summary>
    private sealed class Policies : IIdentityPolicySource
    {
        private readonly Dictionary<string, List<PolicyDocument>> _byPrincipal = [];

        public long Generation { get; private set; }

        public void Allow(string principal, string action)
        {
            if (!_byPrincipal.TryGetValue(principal, out var list))
            {
                _byPrincipal[principal] = list = [];
            }

            list.Add(PolicyParser.Parse($$"""{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"{{action}}","Resource":"*"}]}""", PolicyKind.Identity));
            Generation++;
        }

        public ValueTask<IReadOnlyList<PolicyDocument>> GetPoliciesAsync(string principalArn, CancellationToken cancellationToken) =>
            ValueTask.FromResult<IReadOnlyList<PolicyDocument>>(_byPrincipal.TryGetValue(principalArn, out var list) ? list : []);
    }
}
