// SPDX-License-Identifier: Apache-2.0
using Nimbus.Core.Access.Policies;
using static Nimbus.Core.Tests.Access.Policies.PolicyJson;

namespace Nimbus.Core.Tests.Access.Policies;

/// <summary>
/// The document grammar (IAM User Guide, reference_policies_grammar and reference_policies_elements) and IAM's
/// MalformedPolicyDocument texts for what it refuses.
/// </summary>
public sealed class PolicyParserTests
{
    [Fact]
    public void Parse_GuideExample_ReadsEveryElement()
    {
        // IAM User Guide, access_policies_examples / reference_policies_elements_version: the 2012-10-17 example.
        var policy = Identity("""
            {'Version': '2012-10-17', 'Id': 'S3-Account-Permissions', 'Statement': [
              {'Sid': 'FirstStatement', 'Effect': 'Allow', 'Action': ['iam:ChangePassword'], 'Resource': '*'},
              {'Sid': 'SecondStatement', 'Effect': 'Allow', 'Action': 's3:ListAllMyBuckets', 'Resource': '*'},
              {'Sid': 'ThirdStatement', 'Effect': 'Deny', 'NotAction': ['s3:List*', 's3:Get*'],
               'NotResource': ['arn:aws:s3:::confidential-data', 'arn:aws:s3:::confidential-data/*'],
               'Condition': {'Bool': {'aws:MultiFactorAuthPresent': 'true'}}}]}
            """);
        Assert.Equal("2012-10-17", policy.Version);
        Assert.Equal("S3-Account-Permissions", policy.Id);
        Assert.Equal(3, policy.Statements.Count);
        var third = policy.Statements[2];
        Assert.Equal("ThirdStatement", third.Sid);
        Assert.Equal(PolicyEffect.Deny, third.Effect);
        Assert.True(third.IsNotAction);
        Assert.Equal(["s3:List*", "s3:Get*"], third.Actions);
        Assert.True(third.IsNotResource);
        Assert.Equal(2, third.Resources.Count);
        Assert.Equal(1, third.ConditionCount);
        Assert.Null(third.Principal);
    }

    [Fact]
    public void Parse_StatementAsObject_IsOneStatement()
    {
        var policy = Identity("{'Version': '2008-10-17', 'Statement': {'Effect': 'Allow', 'Action': '*', 'Resource': '*'}}");
        Assert.Single(policy.Statements);
        Assert.Equal("2008-10-17", policy.Version);
    }

    [Fact]
    public void Parse_NoVersion_IsAccepted()
    {
        var policy = Identity("{'Statement': [{'Effect': 'Allow', 'Action': '*', 'Resource': '*'}]}");
        Assert.Null(policy.Version);
    }

    [Fact]
    public void Parse_ResourcePolicyPrincipals_AreRead()
    {
        // Lambda's function policy shape (lambda get-policy): a service principal with a source ARN condition.
        var policy = Resource("""
            {'Version': '2012-10-17', 'Id': 'default', 'Statement': [
              {'Sid': 'sns', 'Effect': 'Allow', 'Principal': {'Service': 'sns.amazonaws.com'}, 'Action': 'lambda:InvokeFunction',
               'Resource': 'arn:aws:lambda:us-east-1:000000000000:function:f',
               'Condition': {'ArnLike': {'AWS:SourceArn': 'arn:aws:sns:us-east-1:000000000000:topic'}}},
              {'Sid': 'acct', 'Effect': 'Allow', 'Principal': {'AWS': ['111122223333', 'arn:aws:iam::444455556666:user/bob']},
               'Action': 'lambda:GetFunction', 'Resource': '*'},
              {'Sid': 'all', 'Effect': 'Deny', 'Principal': '*', 'Action': 'lambda:DeleteFunction', 'Resource': '*'},
              {'Sid': 'fed', 'Effect': 'Allow', 'NotPrincipal': {'Federated': 'cognito-identity.amazonaws.com'}, 'Action': 'lambda:*', 'Resource': '*'}]}
            """);
        Assert.Equal(["sns.amazonaws.com"], policy.Statements[0].Principal!.Service);
        Assert.Equal(["arn:aws:iam::111122223333:root", "arn:aws:iam::444455556666:user/bob"], policy.Statements[1].Principal!.Aws);
        Assert.True(policy.Statements[2].Principal!.IsWildcard);
        Assert.True(policy.Statements[3].IsNotPrincipal);
        Assert.Equal(["cognito-identity.amazonaws.com"], policy.Statements[3].Principal!.Federated);
    }

    [Fact]
    public void Parse_TrustPolicy_NeedsPrincipalAndNoResource()
    {
        var trust = PolicyParser.Parse(J(
            "{'Version': '2012-10-17', 'Statement': [{'Effect': 'Allow', 'Principal': {'Service': 'lambda.amazonaws.com'}, 'Action': 'sts:AssumeRole'}]}"),
            PolicyKind.Trust);
        Assert.Empty(trust.Statements[0].Resources);
    }

    [Theory]
    [InlineData("", PolicyErrors.SyntaxErrors)]
    [InlineData("   ", PolicyErrors.SyntaxErrors)]
    [InlineData("not json", PolicyErrors.SyntaxErrors)]
    [InlineData("[]", PolicyErrors.SyntaxErrors)]
    [InlineData("{'Version': '2012-10-17'}", PolicyErrors.SyntaxErrors)]
    [InlineData("{'Version': '2012-10-17', 'Statement': 'x'}", PolicyErrors.SyntaxErrors)]
    [InlineData("{'Version': '2012-10-17', 'Statement': [], 'Extra': 1}", PolicyErrors.SyntaxErrors)]
    [InlineData("{'Version': '2012-10-17', 'Statement': [{'Effect': 'Allow', 'Action': '*', 'Resource': '*', 'Foo': 1}]}", PolicyErrors.SyntaxErrors)]
    [InlineData("{'Version': '2012-10-17', 'Statement': [{'effect': 'Allow', 'Action': '*', 'Resource': '*'}]}", PolicyErrors.SyntaxErrors)]
    [InlineData("{'Version': '2012-10-17', 'Statement': [{'Effect': 'Allow', 'Action': 5, 'Resource': '*'}]}", PolicyErrors.SyntaxErrors)]
    [InlineData("{'Version': '2012-10-17', 'Statement': [{'Effect': 'Allow', 'Action': '*', 'NotAction': '*', 'Resource': '*'}]}", PolicyErrors.SyntaxErrors)]
    [InlineData("{'Version': '2012-10-17', 'Statement': [{'Effect': 'Allow', 'Action': '*', 'Resource': '*', 'NotResource': '*'}]}", PolicyErrors.SyntaxErrors)]
    [InlineData("{'Version': '2012-10-17', 'Statement': [{'Effect': 'Allow', 'Action': '*', 'Resource': '*', 'Condition': {'StringEquals': {'aws:username': null}}}]}", PolicyErrors.SyntaxErrors)]
    [InlineData("{'Version': '2012-10-17', 'Statement': [{'Effect': 'Allow', 'Action': '*', 'Resource': '*', 'Condition': {'StringEquals': 'x'}}]}", PolicyErrors.SyntaxErrors)]
    [InlineData("{'Version': '2012-10-18', 'Statement': []}", PolicyErrors.LegacyParsing)]
    [InlineData("{'Version': 2012, 'Statement': []}", PolicyErrors.SyntaxErrors)]
    [InlineData("{'Version': '2012-10-17', 'Statement': [{'Effect': 'Allow', 'Principal': '*', 'Action': '*', 'Resource': '*'}]}", PolicyErrors.PrincipalNotAllowed)]
    [InlineData("{'Version': '2012-10-17', 'Statement': [{'Effect': 'Allow', 'NotPrincipal': {'AWS': '*'}, 'Action': '*', 'Resource': '*'}]}", PolicyErrors.PrincipalNotAllowed)]
    [InlineData("{'Version': '2012-10-17', 'Statement': [{'Effect': 'Allow', 'Action': 's3:GetObject'}]}", "Missing required field Resource")]
    [InlineData("{'Version': '2012-10-17', 'Statement': [{'Effect': 'Allow', 'Action': 's3:GetObject', 'Resource': []}]}", "Missing required field Resource")]
    [InlineData("{'Version': '2012-10-17', 'Statement': [{'Action': 's3:GetObject', 'Resource': '*'}]}", "Missing required field Effect")]
    [InlineData("{'Version': '2012-10-17', 'Statement': [{'Effect': 'Permit', 'Action': 's3:GetObject', 'Resource': '*'}]}", "Invalid effect: Permit")]
    [InlineData("{'Version': '2012-10-17', 'Statement': [{'Effect': 'Allow', 'Resource': '*'}]}", PolicyErrors.MissingActions)]
    [InlineData("{'Version': '2012-10-17', 'Statement': [{'Effect': 'Allow', 'Action': [], 'Resource': '*'}]}", PolicyErrors.MissingActions)]
    [InlineData("{'Version': '2012-10-17', 'Statement': [{'Effect': 'Allow', 'Action': 'GetObject', 'Resource': '*'}]}", PolicyErrors.MissingVendor)]
    [InlineData("{'Version': '2012-10-17', 'Statement': [{'Effect': 'Allow', 'Action': ':GetObject', 'Resource': '*'}]}", PolicyErrors.MissingVendor)]
    [InlineData("{'Version': '2012-10-17', 'Statement': [{'Effect': 'Allow', 'Action': '*', 'Resource': '*', 'Condition': {'StringEquals': {'username': 'x'}}}]}", PolicyErrors.MissingVendor)]
    [InlineData("{'Version': '2012-10-17', 'Statement': [{'Effect': 'Allow', 'Action': '*', 'Resource': 'bucket'}]}", "Resource bucket must be in ARN format or \"*\".")]
    [InlineData("{'Version': '2012-10-17', 'Statement': [{'Sid': 'a', 'Effect': 'Allow', 'Action': '*', 'Resource': '*'}, {'Sid': 'a', 'Effect': 'Deny', 'Action': '*', 'Resource': '*'}]}", PolicyErrors.DuplicateSid)]
    [InlineData("{'Version': '2012-10-17', 'Statement': [{'Sid': 'has space', 'Effect': 'Allow', 'Action': '*', 'Resource': '*'}]}", PolicyErrors.SidNotAlphanumeric)]
    [InlineData("{'Version': '2012-10-17', 'Statement': [{'Effect': 'Allow', 'Action': '*', 'Resource': '*', 'Condition': {'StringEqualz': {'aws:username': 'x'}}}]}", "Invalid Condition type : StringEqualz")]
    [InlineData("{'Version': '2012-10-17', 'Statement': [{'Effect': 'Allow', 'Action': '*', 'Resource': '*', 'Condition': {'NullIfExists': {'aws:username': 'true'}}}]}", "Invalid Condition type : NullIfExists")]
    public void Parse_Malformed_GivesIamText(string document, string message)
    {
        Assert.False(PolicyParser.TryParse(J(document), PolicyKind.Identity, null, out var policy, out var error));
        Assert.Null(policy);
        Assert.Equal(PolicyErrors.MalformedPolicyDocument, error.Code);
        Assert.Equal(message, error.Message);
    }

    [Theory]
    [InlineData(PolicyKind.Resource, "{'Version': '2012-10-17', 'Statement': [{'Effect': 'Allow', 'Action': '*', 'Resource': '*'}]}", "Missing required field Principal")]
    [InlineData(PolicyKind.Trust, "{'Version': '2012-10-17', 'Statement': [{'Effect': 'Allow', 'Action': 'sts:AssumeRole'}]}", "Missing required field Principal")]
    [InlineData(PolicyKind.Trust, "{'Version': '2012-10-17', 'Statement': [{'Effect': 'Allow', 'Principal': {'Service': 'lambda.amazonaws.com'}, 'Action': 'sts:AssumeRole', 'Resource': '*'}]}", PolicyErrors.ProhibitedResource)]
    [InlineData(PolicyKind.Trust, "{'Version': '2012-10-17', 'Statement': [{'Effect': 'Allow', 'Principal': {'AWS': 'bob'}, 'Action': 'sts:AssumeRole'}]}", "Invalid principal in policy: \"AWS\":\"bob\"")]
    [InlineData(PolicyKind.Trust, "{'Version': '2012-10-17', 'Statement': [{'Effect': 'Allow', 'Principal': {'AWS': 'arn:aws:iam::000000000000:user/*'}, 'Action': 'sts:AssumeRole'}]}", "Invalid principal in policy: \"AWS\":\"arn:aws:iam::000000000000:user/*\"")]
    [InlineData(PolicyKind.Trust, "{'Version': '2012-10-17', 'Statement': [{'Effect': 'Allow', 'Principal': {'Robot': 'x'}, 'Action': 'sts:AssumeRole'}]}", PolicyErrors.SyntaxErrors)]
    [InlineData(PolicyKind.Trust, "{'Version': '2012-10-17', 'Statement': [{'Effect': 'Allow', 'Principal': 'bob', 'Action': 'sts:AssumeRole'}]}", PolicyErrors.SyntaxErrors)]
    [InlineData(PolicyKind.Resource, "{'Version': '2012-10-17', 'Statement': [{'Sid': 'with space and -', 'Effect': 'Allow', 'Principal': '*', 'Action': '*', 'Resource': '*'}, {'Sid': 'with space and -', 'Effect': 'Allow', 'Principal': '*', 'Action': '*', 'Resource': '*'}]}", PolicyErrors.DuplicateSid)]
    public void Parse_MalformedByKind_GivesIamText(PolicyKind kind, string document, string message)
    {
        var thrown = Assert.Throws<PolicyDocumentException>(() => PolicyParser.Parse(J(document), kind));
        Assert.Equal(PolicyErrors.MalformedPolicyDocument, thrown.Code);
        Assert.Equal(message, thrown.Message);
    }

    [Fact]
    public void Parse_ResourcePolicySid_MayHoldAnyCharacters()
    {
        var policy = PolicyParser.Parse(J("{'Statement': [{'Sid': 'lambda-1234-abcd', 'Effect': 'Allow', 'Principal': '*', 'Action': 'lambda:*', 'Resource': '*'}]}"), PolicyKind.Resource);
        Assert.Equal("lambda-1234-abcd", policy.Statements[0].Sid);
    }

    [Fact]
    public void Parse_OverQuota_IsLimitExceeded_WhiteSpaceNotCounted()
    {
        var statement = "{\"Effect\": \"Allow\", \"Action\": \"s3:GetObject\", \"Resource\": \"arn:aws:s3:::bucket/" + new string('k', 1900) + "\"}";
        var document = "{\"Version\": \"2012-10-17\", \"Statement\": [" + statement + "]}";
        Assert.True(PolicySizeLimit.Measure(document) < 2048);
        Assert.True(PolicyParser.TryParse(document, PolicyKind.Identity, PolicySizeLimit.UserInlinePolicy, out _, out _));
        Assert.True(PolicyParser.TryParse(document + new string(' ', 5000), PolicyKind.Identity, PolicySizeLimit.UserInlinePolicy, out _, out _));

        var big = document.Replace("/k", "/" + new string('k', 200), StringComparison.Ordinal);
        Assert.False(PolicyParser.TryParse(big, PolicyKind.Identity, PolicySizeLimit.UserInlinePolicy, out _, out var error));
        Assert.Equal(new PolicyError("LimitExceeded", "Cannot exceed quota for UserPolicySize: 2048"), error);
        Assert.Equal("Cannot exceed quota for PolicySize: 6144", PolicyErrors.OverQuota(PolicySizeLimit.ManagedPolicy).Message);
    }

    [Fact]
    public void Parse_DeepNesting_IsSyntaxError()
    {
        var deep = new string('[', 200) + new string(']', 200);
        var json = "{\"Statement\": [{\"Effect\": \"Allow\", \"Action\": " + deep + ", \"Resource\": \"*\"}]}";
        var thrown = Assert.Throws<PolicyDocumentException>(() => PolicyParser.Parse(json, PolicyKind.Identity));
        Assert.Equal(PolicyErrors.SyntaxErrors, thrown.Message);
    }

    [Fact]
    public void Parse_LoneSurrogate_IsSyntaxError()
    {
        // Found by PolicyFuzzTests: JsonDocument throws ArgumentException, not JsonException, for invalid UTF-16.
        var json = "{\"Statement\": [{\"Effect\": \"Allow\", \"Action\": \"s3:Get\ud800\", \"Resource\": \"*\"}]}";
        Assert.False(PolicyParser.TryParse(json, PolicyKind.Identity, null, out _, out var error));
        Assert.Equal(PolicyErrors.Syntax(), error);
    }
}
