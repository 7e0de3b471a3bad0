// SPDX-License-Identifier: Apache-2.0
using Nimbus.Core.Access.Policies;
using static Nimbus.Core.Tests.Access.Policies.PolicyJson;

namespace Nimbus.Core.Tests.Access.Policies;

/// <summary>
/// Policy variables (IAM User Guide, reference_policies_variables): replaced from the request's keys in Resource and
/// condition values of Version 2012-10-17 documents; <c>${*}</c>, <c>${?}</c>, <c>${$}</c> stand for the characters;
/// a variable without a value (and without a default) makes the statement not apply.
/// </summary>
public sealed class PolicyVariableTests
{
    // reference_policies_variables: "allow each user access to his or her own home folder".
    private const string HomeFolder = """
        {'Version': '2012-10-17', 'Statement': [{'Effect': 'Allow', 'Action': 's3:*',
          'Resource': 'arn:aws:s3:::amzn-s3-demo-bucket/home/${aws:username}/*'}]}
        """;

    [Theory]
    [InlineData("aws:username=alice", "arn:aws:s3:::amzn-s3-demo-bucket/home/alice/notes.txt", true)]
    [InlineData("aws:username=alice", "arn:aws:s3:::amzn-s3-demo-bucket/home/bob/notes.txt", false)]
    [InlineData("aws:username=Alice", "arn:aws:s3:::amzn-s3-demo-bucket/home/alice/notes.txt", false)]
    [InlineData("", "arn:aws:s3:::amzn-s3-demo-bucket/home/alice/notes.txt", false)]
    [InlineData("aws:username=*", "arn:aws:s3:::amzn-s3-demo-bucket/home/bob/notes.txt", false)]
    [InlineData("aws:username=a|b", "arn:aws:s3:::amzn-s3-demo-bucket/home/a/notes.txt", false)]
    public void Resource_VariableFromRequest(string keys, string resource, bool allowed) =>
        Assert.Equal(allowed, Decide(Identity(HomeFolder), Request("s3:GetObject", resource, Keys(keys))) == PolicyDecision.Allow);

    [Fact]
    public void Resource_InLegacyVersion_VariableIsLiteral()
    {
        var legacy = Identity(HomeFolder.Replace("2012-10-17", "2008-10-17", StringComparison.Ordinal));
        Assert.Equal(PolicyDecision.Deny, Decide(legacy, Request("s3:GetObject", "arn:aws:s3:::amzn-s3-demo-bucket/home/alice/x", Keys("aws:username=alice"))));
        Assert.Equal(PolicyDecision.Allow, Decide(legacy, Request("s3:GetObject", "arn:aws:s3:::amzn-s3-demo-bucket/home/${aws:username}/x", Keys("aws:username=alice"))));
    }

    [Theory]
    [InlineData("arn:aws:s3:::b/${*}", "arn:aws:s3:::b/*", true)]
    [InlineData("arn:aws:s3:::b/${*}", "arn:aws:s3:::b/x", false)]
    [InlineData("arn:aws:s3:::b/${?}", "arn:aws:s3:::b/?", true)]
    [InlineData("arn:aws:s3:::b/${?}", "arn:aws:s3:::b/x", false)]
    [InlineData("arn:aws:s3:::b/${$}x", "arn:aws:s3:::b/$x", true)]
    [InlineData("arn:aws:s3:::b/${aws:PrincipalTag/team, \\u0027none\\u0027}/*", "arn:aws:s3:::b/none/k", true)]
    [InlineData("arn:aws:s3:::b/${aws:userid}/*", "arn:aws:s3:::b/AIDAEXAMPLE/k", true)]
    [InlineData("arn:aws:s3:::b/${aws:PrincipalArn}", "arn:aws:s3:::b/arn:aws:iam::000000000000:user/alice", true)]
    [InlineData("arn:aws:s3:::b/${unterminated", "arn:aws:s3:::b/${unterminated", true)]
    public void Resource_EscapesAndDefaults(string pattern, string resource, bool allowed)
    {
        var policy = Statements($"{{'Effect': 'Allow', 'Action': 's3:*', 'Resource': '{pattern}'}}");
        var keys = Keys($"aws:userid=AIDAEXAMPLE;aws:PrincipalArn={Alice}");
        Assert.Equal(allowed, Decide(policy, Request("s3:GetObject", resource, keys)) == PolicyDecision.Allow);
    }

    [Theory]
    // reference_policies_variables: ListBucket limited to the caller's prefix with s3:prefix.
    [InlineData("aws:username=alice;s3:prefix=home/alice/docs", true)]
    [InlineData("aws:username=alice;s3:prefix=home/bob/docs", false)]
    [InlineData("s3:prefix=home/alice/docs", false)]
    public void Condition_VariableFromRequest(string keys, bool allowed)
    {
        var policy = Statements("{'Effect': 'Allow', 'Action': 's3:ListBucket', 'Resource': 'arn:aws:s3:::amzn-s3-demo-bucket', 'Condition': {'StringLike': {'s3:prefix': ['home/${aws:username}/*']}}}");
        Assert.Equal(allowed, Decide(policy, Request("s3:ListBucket", "arn:aws:s3:::amzn-s3-demo-bucket", Keys(keys))) == PolicyDecision.Allow);
    }

    [Fact]
    public void Unresolvable_InNegatedCondition_StatementDoesNotApply()
    {
        // Were the unresolved value simply "not equal", the Deny would apply; the statement is left out instead.
        var policy = Statements("""
            {'Effect': 'Allow', 'Action': '*', 'Resource': '*'},
            {'Effect': 'Deny', 'Action': '*', 'Resource': '*', 'Condition': {'StringNotEquals': {'aws:PrincipalTag/team': '${aws:username}'}}}
            """);
        Assert.Equal(PolicyDecision.Allow, Decide(policy, Request("s3:GetObject", "*", Keys("aws:PrincipalTag/team=x"))));
        Assert.Equal(PolicyDecision.Deny, Decide(policy, Request("s3:GetObject", "*", Keys("aws:PrincipalTag/team=x;aws:username=alice"))));
    }

    [Fact]
    public void Unresolvable_InNotResource_StatementDoesNotApply()
    {
        var policy = Statements("""
            {'Effect': 'Allow', 'Action': '*', 'Resource': '*'},
            {'Effect': 'Deny', 'Action': '*', 'NotResource': 'arn:aws:s3:::b/${aws:username}/*'}
            """);
        Assert.Equal(PolicyDecision.Allow, Decide(policy, Request("s3:GetObject", "arn:aws:s3:::b/x/k")));
        Assert.Equal(PolicyDecision.Deny, Decide(policy, Request("s3:GetObject", "arn:aws:s3:::b/x/k", Keys("aws:username=alice"))));
    }

    [Fact]
    public void Action_TakesNoVariables()
    {
        var policy = Statements("{'Effect': 'Allow', 'Action': 's3:${aws:username}', 'Resource': '*'}");
        Assert.Equal(PolicyDecision.Deny, Decide(policy, Request("s3:alice", "*", Keys("aws:username=alice"))));
    }
}
