// SPDX-License-Identifier: Apache-2.0
using Nimbus.Core.Access.Policies;
using static Nimbus.Core.Tests.Access.Policies.PolicyJson;

namespace Nimbus.Core.Tests.Access.Policies;

/// <summary>
/// IAM's evaluation logic: implicit deny, explicit deny wins, identity-based with resource-based policies in one account
/// (an Allow in either) and across accounts (both needed). Pages: IAM User Guide reference_policies_evaluation-logic,
/// reference_policies_evaluation-logic_policy-eval-basics, reference_policies_evaluation-logic_AccessPolicyLanguage_Interplay,
/// reference_policies_evaluation-logic-cross-account.
/// </summary>
public sealed class EvaluationLogicTests
{
    private const string Bob = "arn:aws:iam::111122223333:user/bob";
    private const string Session = "arn:aws:sts::000000000000:assumed-role/worker/f";

    [Theory]
    // reference_policies_evaluation-logic_AccessPolicyLanguage_Interplay: AllowGetList / DenyReports.
    [InlineData("iam:GetUser", PolicyDecision.Allow, DecisionReason.AllowedByIdentityPolicy)]
    [InlineData("iam:ListRoles", PolicyDecision.Allow, DecisionReason.AllowedByIdentityPolicy)]
    [InlineData("iam:CreatePolicy", PolicyDecision.Deny, DecisionReason.NoIdentityPolicyAllows)]
    [InlineData("iam:GetOrganizationsAccessReport", PolicyDecision.Deny, DecisionReason.ExplicitDenyInIdentityPolicy)]
    [InlineData("iam:GenerateCredentialReport", PolicyDecision.Deny, DecisionReason.ExplicitDenyInIdentityPolicy)]
    public void Evaluate_ExplicitAndImplicitDenyExample(string action, PolicyDecision decision, DecisionReason reason)
    {
        var policy = Identity("""
            {'Version': '2012-10-17', 'Statement': [
              {'Sid': 'AllowGetList', 'Effect': 'Allow', 'Action': ['iam:Get*', 'iam:List*'], 'Resource': '*'},
              {'Sid': 'DenyReports', 'Effect': 'Deny', 'Action': 'iam:*Report', 'Resource': '*'}]}
            """);
        var result = PolicyEvaluator.Evaluate(Request(action, "*"), [policy]);
        Assert.Equal(decision, result.Decision);
        Assert.Equal(reason, result.Reason);
    }

    [Theory]
    // reference_policies_evaluation-logic_policy-eval-basics, "Example identity-based and resource-based policy
    // evaluation": carlossalazar's policy; the logs bucket's policy allows him PutObject, but DenyS3Logs wins.
    [InlineData("s3:PutObject", "arn:aws:s3:::amzn-s3-demo-bucket-carlossalazar-logs/report.txt", PolicyDecision.Deny, DecisionReason.ExplicitDenyInIdentityPolicy)]
    [InlineData("s3:PutObject", "arn:aws:s3:::amzn-s3-demo-bucket-carlossalazar/report.txt", PolicyDecision.Allow, DecisionReason.AllowedByIdentityPolicy)]
    [InlineData("s3:ListAllMyBuckets", "arn:aws:s3:::amzn-s3-demo-bucket-other", PolicyDecision.Allow, DecisionReason.AllowedByIdentityPolicy)]
    [InlineData("s3:GetObject", "arn:aws:s3:::amzn-s3-demo-bucket-other/x", PolicyDecision.Deny, DecisionReason.NoIdentityPolicyAllows)]
    public void Evaluate_CarlosExample(string action, string resource, PolicyDecision decision, DecisionReason reason)
    {
        var carlos = Identity("""
            {'Version': '2012-10-17', 'Statement': [
              {'Sid': 'AllowS3ListRead', 'Effect': 'Allow', 'Action': ['s3:GetBucketLocation', 's3:GetAccountPublicAccessBlock', 's3:ListAccessPoints', 's3:ListAllMyBuckets'], 'Resource': 'arn:aws:s3:::*'},
              {'Sid': 'AllowS3Self', 'Effect': 'Allow', 'Action': 's3:*', 'Resource': ['arn:aws:s3:::amzn-s3-demo-bucket-carlossalazar/*', 'arn:aws:s3:::amzn-s3-demo-bucket-carlossalazar']},
              {'Sid': 'DenyS3Logs', 'Effect': 'Deny', 'Action': 's3:*', 'Resource': 'arn:aws:s3:::*log*'}]}
            """);
        var bucket = Resource("""
            {'Version': '2012-10-17', 'Statement': [{'Sid': 'AllowS3PutObject', 'Effect': 'Allow',
              'Principal': {'AWS': 'arn:aws:iam::111122223333:user/carlossalazar'}, 'Action': 's3:PutObject',
              'Resource': 'arn:aws:s3:::amzn-s3-demo-bucket-carlossalazar-logs/*'}]}
            """);
        var request = new RequestContext("arn:aws:iam::111122223333:user/carlossalazar", action, resource) { ResourceAccount = "111122223333" };
        var result = PolicyEvaluator.Evaluate(request, [carlos], bucket);
        Assert.Equal(decision, result.Decision);
        Assert.Equal(reason, result.Reason);
    }

    [Fact]
    public void Evaluate_NoPolicies_IsImplicitDeny()
    {
        var result = PolicyEvaluator.Evaluate(Request("lambda:GetFunction", FunctionF), []);
        Assert.Equal(new AuthorizationResult(PolicyDecision.Deny, DecisionReason.NoIdentityPolicyAllows, null), result);
    }

    [Fact]
    public void Evaluate_DenyInAnotherPolicy_WinsOverAllow()
    {
        var allow = Statements("{'Sid': 'All', 'Effect': 'Allow', 'Action': '*', 'Resource': '*'}");
        var deny = Statements("{'Sid': 'NoDelete', 'Effect': 'Deny', 'Action': 'lambda:Delete*', 'Resource': '*'}");
        var result = PolicyEvaluator.Evaluate(Request("lambda:DeleteFunction", FunctionF), [allow, deny]);
        Assert.Equal(DecisionReason.ExplicitDenyInIdentityPolicy, result.Reason);
        Assert.Equal("NoDelete", result.Statement!.Sid);
        Assert.True(PolicyEvaluator.Evaluate(Request("lambda:GetFunction", FunctionF), [deny, allow]).IsAllowed);
    }

    [Theory]
    // Same account: a resource-based Allow naming the caller, or the role of the caller's session, is enough; one naming
    // the account still needs the identity-based Allow (reference_policies_evaluation-logic_policy-eval-denyallow,
    // "Resource-based policies").
    [InlineData("{'AWS': 'arn:aws:iam::000000000000:user/alice'}", Alice, PolicyDecision.Allow, DecisionReason.AllowedByResourcePolicy)]
    [InlineData("'*'", Alice, PolicyDecision.Allow, DecisionReason.AllowedByResourcePolicy)]
    [InlineData("{'AWS': '*'}", Alice, PolicyDecision.Allow, DecisionReason.AllowedByResourcePolicy)]
    [InlineData("{'AWS': 'arn:aws:iam::000000000000:user/carol'}", Alice, PolicyDecision.Deny, DecisionReason.NoIdentityPolicyAllows)]
    [InlineData("{'AWS': '000000000000'}", Alice, PolicyDecision.Deny, DecisionReason.NoIdentityPolicyAllows)]
    [InlineData("{'AWS': 'arn:aws:iam::000000000000:root'}", Alice, PolicyDecision.Deny, DecisionReason.NoIdentityPolicyAllows)]
    [InlineData("{'AWS': 'arn:aws:iam::000000000000:role/service/worker'}", Session, PolicyDecision.Allow, DecisionReason.AllowedByResourcePolicy)]
    [InlineData("{'AWS': 'arn:aws:iam::000000000000:role/service/other'}", Session, PolicyDecision.Deny, DecisionReason.NoIdentityPolicyAllows)]
    [InlineData("{'AWS': 'arn:aws:sts::000000000000:assumed-role/worker/f'}", Session, PolicyDecision.Allow, DecisionReason.AllowedByResourcePolicy)]
    public void Evaluate_SameAccountResourcePolicyOnly(string principal, string caller, PolicyDecision decision, DecisionReason reason)
    {
        var function = Resource($"{{'Version': '2012-10-17', 'Statement': [{{'Effect': 'Allow', 'Principal': {principal}, 'Action': 'lambda:InvokeFunction', 'Resource': '{FunctionF}'}}]}}");
        var result = PolicyEvaluator.Evaluate(Request("lambda:InvokeFunction", FunctionF, principal: caller), [], function);
        Assert.Equal(decision, result.Decision);
        Assert.Equal(reason, result.Reason);
    }

    [Fact]
    public void Evaluate_SameAccountAccountGrant_WithIdentityAllow_IsAllowed()
    {
        var function = Resource($"{{'Statement': [{{'Effect': 'Allow', 'Principal': {{'AWS': '000000000000'}}, 'Action': 'lambda:*', 'Resource': '*'}}]}}");
        var identity = Statements("{'Effect': 'Allow', 'Action': 'lambda:InvokeFunction', 'Resource': '*'}");
        Assert.Equal(DecisionReason.AllowedByIdentityPolicy, PolicyEvaluator.Evaluate(Request("lambda:InvokeFunction", FunctionF), [identity], function).Reason);
    }

    [Theory]
    // reference_policies_evaluation-logic-cross-account: both sides must allow.
    [InlineData(true, true, PolicyDecision.Allow, DecisionReason.AllowedByBoth)]
    [InlineData(true, false, PolicyDecision.Deny, DecisionReason.NoResourcePolicyAllows)]
    [InlineData(false, true, PolicyDecision.Deny, DecisionReason.NoIdentityPolicyAllows)]
    [InlineData(false, false, PolicyDecision.Deny, DecisionReason.NoIdentityPolicyAllows)]
    public void Evaluate_CrossAccount_NeedsBoth(bool identityAllows, bool resourceAllows, PolicyDecision decision, DecisionReason reason)
    {
        var identity = Statements($"{{'Effect': 'Allow', 'Action': 'lambda:GetFunction', 'Resource': '{(identityAllows ? FunctionF : "arn:aws:lambda:us-east-1:000000000000:function:g")}'}}");
        var function = Resource($"{{'Statement': [{{'Effect': 'Allow', 'Principal': {{'AWS': '{(resourceAllows ? "111122223333" : "444455556666")}'}}, 'Action': 'lambda:GetFunction', 'Resource': '{FunctionF}'}}]}}");
        var result = PolicyEvaluator.Evaluate(Request("lambda:GetFunction", FunctionF, principal: Bob), [identity], function);
        Assert.Equal(decision, result.Decision);
        Assert.Equal(reason, result.Reason);
    }

    [Fact]
    public void Evaluate_CrossAccountWithoutResourcePolicy_IsNoResourcePolicyAllows()
    {
        var identity = Statements("{'Effect': 'Allow', 'Action': '*', 'Resource': '*'}");
        Assert.Equal(DecisionReason.NoResourcePolicyAllows, PolicyEvaluator.Evaluate(Request("lambda:GetFunction", FunctionF, principal: Bob), [identity]).Reason);
    }

    [Fact]
    public void Evaluate_ResourcePolicyDeny_WinsOverIdentityAllow()
    {
        var identity = Statements("{'Effect': 'Allow', 'Action': '*', 'Resource': '*'}");
        var function = Resource("{'Statement': [{'Sid': 'nope', 'Effect': 'Deny', 'Principal': '*', 'Action': 'lambda:InvokeFunction', 'Resource': '*'}]}");
        var result = PolicyEvaluator.Evaluate(Request("lambda:InvokeFunction", FunctionF), [identity], function);
        Assert.Equal(DecisionReason.ExplicitDenyInResourcePolicy, result.Reason);
        Assert.Equal("nope", result.Statement!.Sid);
    }

    [Fact]
    public void Evaluate_ServicePrincipalWithSourceArn_AsLambdaAddPermissionWritesIt()
    {
        var function = Resource("""
            {'Version': '2012-10-17', 'Id': 'default', 'Statement': [{'Sid': 'sns', 'Effect': 'Allow', 'Principal': {'Service': 'sns.amazonaws.com'},
              'Action': 'lambda:InvokeFunction', 'Resource': 'arn:aws:lambda:us-east-1:000000000000:function:f',
              'Condition': {'ArnLike': {'AWS:SourceArn': 'arn:aws:sns:us-east-1:000000000000:topic'}}}]}
            """);
        RequestContext Sns(string source) =>
            new("sns.amazonaws.com", "lambda:InvokeFunction", FunctionF, Keys($"aws:SourceArn={source}")) { ServicePrincipal = "sns.amazonaws.com", PrincipalAccount = "000000000000" };
        Assert.Equal(DecisionReason.AllowedByResourcePolicy, PolicyEvaluator.Evaluate(Sns("arn:aws:sns:us-east-1:000000000000:topic"), [], function).Reason);
        Assert.False(PolicyEvaluator.Evaluate(Sns("arn:aws:sns:us-east-1:000000000000:other"), [], function).IsAllowed);
        var s3 = new RequestContext("s3.amazonaws.com", "lambda:InvokeFunction", FunctionF) { ServicePrincipal = "s3.amazonaws.com", PrincipalAccount = "000000000000" };
        Assert.False(PolicyEvaluator.Evaluate(s3, [], function).IsAllowed);
    }

    [Fact]
    public void Evaluate_NotPrincipalDeny_SparesTheNamedPrincipal()
    {
        // reference_policies_elements_notprincipal: Deny with NotPrincipal denies everyone but those listed.
        var function = Resource($"{{'Statement': [{{'Effect': 'Allow', 'Principal': '*', 'Action': 'lambda:*', 'Resource': '*'}}, {{'Effect': 'Deny', 'NotPrincipal': {{'AWS': '{Alice}'}}, 'Action': 'lambda:*', 'Resource': '*'}}]}}");
        Assert.True(PolicyEvaluator.Evaluate(Request("lambda:GetFunction", FunctionF), [], function).IsAllowed);
        Assert.Equal(DecisionReason.ExplicitDenyInResourcePolicy,
            PolicyEvaluator.Evaluate(Request("lambda:GetFunction", FunctionF, principal: "arn:aws:iam::000000000000:user/carol"), [], function).Reason);
    }

    [Fact]
    public void Evaluate_AccountRoot_IsAllowedInItsAccountUnlessAResourcePolicyDenies()
    {
        // reference_policies_evaluation-logic_policy-eval-denyallow: the root user has full access by default.
        const string Root = "arn:aws:iam::000000000000:root";
        Assert.Equal(DecisionReason.AllowedAsAccountRoot, PolicyEvaluator.Evaluate(Request("lambda:DeleteFunction", FunctionF, principal: Root), []).Reason);
        var deny = Resource("{'Statement': [{'Effect': 'Deny', 'Principal': '*', 'Action': 'lambda:DeleteFunction', 'Resource': '*'}]}");
        Assert.Equal(DecisionReason.ExplicitDenyInResourcePolicy, PolicyEvaluator.Evaluate(Request("lambda:DeleteFunction", FunctionF, principal: Root), [], deny).Reason);
        // Another account's root is an outsider there: its own account allows it everything, the resource owner nothing.
        Assert.Equal(DecisionReason.NoResourcePolicyAllows, PolicyEvaluator.Evaluate(Request("lambda:GetFunction", FunctionF, principal: "arn:aws:iam::111122223333:root"), []).Reason);
        Assert.Equal(DecisionReason.NoIdentityPolicyAllows, PolicyEvaluator.Evaluate(Request("lambda:GetFunction", FunctionF, principal: "arn:aws:iam::000000000000:user/root"), []).Reason);
    }

    [Fact]
    public void Evaluate_OtherAccountRoot_IsAllowedWhereTheResourcePolicyNamesItsAccount()
    {
        // reference_policies_evaluation-logic-cross-account: the resource policy must allow, and the caller's account;
        // a root user needs no identity-based policy for the latter.
        const string OtherRoot = "arn:aws:iam::111122223333:root";
        var function = Resource("{'Statement': [{'Effect': 'Allow', 'Principal': {'AWS': '111122223333'}, 'Action': 'lambda:InvokeFunction', 'Resource': '*'}]}");
        Assert.Equal(DecisionReason.AllowedByBoth, PolicyEvaluator.Evaluate(Request("lambda:InvokeFunction", FunctionF, principal: OtherRoot), [], function).Reason);
        Assert.Equal(DecisionReason.NoResourcePolicyAllows, PolicyEvaluator.Evaluate(Request("lambda:GetFunction", FunctionF, principal: OtherRoot), [], function).Reason);

        // A user of that account still needs its own account's (identity-based) Allow.
        Assert.Equal(DecisionReason.NoIdentityPolicyAllows,
            PolicyEvaluator.Evaluate(Request("lambda:InvokeFunction", FunctionF, principal: "arn:aws:iam::111122223333:user/bob"), [], function).Reason);
    }
}
