// SPDX-License-Identifier: Apache-2.0
using Nimbus.Core.Errors;
using Nimbus.Core.Functions;
using Nimbus.Core.Permissions;
using Nimbus.Core.Tests.Functions;
using static Nimbus.Core.Tests.Permissions.PermissionHarness;

namespace Nimbus.Core.Tests.Permissions;

/// <summary>
/// AddPermission / RemovePermission / GetPolicy rules and texts. The expected statements and messages are AWS's as
/// recorded in LocalStack's AWS-validated snapshots (test_lambda_api.snapshot.json, TestLambdaPermissions).
/// </summary>
public sealed class FunctionPolicyServiceTests
{
    private readonly ServiceHarness _h = new();

    [Fact]
    public async Task AddPermission_ServiceWithSourceArn_AnswersTheStatementAsAwsWritesIt()
    {
        await _h.CreateActiveAsync("fn");

        var statement = await _h.AddAsync("fn", Statement() with { SourceArn = "arn:aws:s3:::test-bucket" });

        Assert.Equal(
            """{"Sid":"s3","Effect":"Allow","Principal":{"Service":"s3.amazonaws.com"},"Action":"lambda:InvokeFunction","Resource":"FN","Condition":{"ArnLike":{"AWS:SourceArn":"arn:aws:s3:::test-bucket"}}}""".Replace("FN", TestValues.Arn("fn"), StringComparison.Ordinal),
            statement);
        var (policy, revision) = await _h.PolicyAsync("fn");
        Assert.Equal($$"""{"Version":"2012-10-17","Id":"default","Statement":[{{statement}}]}""", policy);
        Assert.Equal((await _h.LatestAsync("fn")).RevisionId, revision);
    }

    [Fact]
    public async Task AddPermission_EveryOptionalField_WritesConditionsInAwsOrder()
    {
        await _h.CreateActiveAsync("fn");

        var statement = await _h.AddAsync("fn", Statement("urlPermission", "*", "lambda:InvokeFunctionUrl") with
        {
            SourceArn = "arn:aws:s3:::test-bucket",
            SourceAccount = TestValues.Account,
            PrincipalOrgId = "o-1234567890",
            FunctionUrlAuthType = "NONE",
        });

        Assert.Equal(
            """{"Sid":"urlPermission","Effect":"Allow","Principal":"*","Action":"lambda:InvokeFunctionUrl","Resource":"FN","Condition":{"StringEquals":{"AWS:SourceAccount":"123456789012","lambda:FunctionUrlAuthType":"NONE","aws:PrincipalOrgID":"o-1234567890"},"ArnLike":{"AWS:SourceArn":"arn:aws:s3:::test-bucket"}}}""".Replace("FN", TestValues.Arn("fn"), StringComparison.Ordinal),
            statement);
    }

    [Theory]
    [InlineData("123456789012", """{"AWS":"arn:aws:iam::123456789012:root"}""")]
    [InlineData("arn:aws:iam::210987654321:user/alice", """{"AWS":"arn:aws:iam::210987654321:user/alice"}""")]
    [InlineData("arn:aws:iam::210987654321:role/caller", """{"AWS":"arn:aws:iam::210987654321:role/caller"}""")]
    [InlineData("lambda.amazonaws.com", """{"Service":"lambda.amazonaws.com"}""")]
    [InlineData("alexa-appkit.amazon.com", """{"Service":"alexa-appkit.amazon.com"}""")]
    [InlineData("*", "\"*\"")]
    public async Task AddPermission_Principal_WrittenAsAwsWritesIt(string principal, string written)
    {
        await _h.CreateActiveAsync("fn");

        var statement = await _h.AddAsync("fn", Statement("p", principal));

        Assert.Contains($"\"Principal\":{written},", statement, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AddPermission_EventSourceToken_IsAStringEqualsCondition()
    {
        await _h.CreateActiveAsync("fn");

        var statement = await _h.AddAsync("fn", Statement("alexaSkill", "*") with { EventSourceToken = "amzn1.ask.skill.xxxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx" });

        Assert.EndsWith("""
            "Condition":{"StringEquals":{"lambda:EventSourceToken":"amzn1.ask.skill.xxxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx"}}}
            """, statement, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AddPermission_InvokedViaFunctionUrl_IsABoolCondition()
    {
        await _h.CreateActiveAsync("fn");

        var statement = await _h.AddAsync("fn", Statement("url", "*") with { InvokedViaFunctionUrl = true });

        Assert.EndsWith("""
            "Condition":{"Bool":{"lambda:InvokedViaFunctionUrl":"true"}}}
            """, statement, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AddPermission_SameStatementId_IsAConflict()
    {
        await _h.CreateActiveAsync("fn");
        await _h.AddAsync("fn", Statement());

        await LambdaAssert.ThrowsAsync(LambdaErrors.ResourceConflictType, 409,
            "The statement id (s3) provided already exists. Please provide a new statement id, or remove the existing statement.",
            () => _h.AddAsync("fn", Statement()));
    }

    [Fact]
    public async Task AddPermission_InvalidStatementId_IsAValidationError()
    {
        await _h.CreateActiveAsync("fn");

        await LambdaAssert.ThrowsAsync(LambdaErrors.ValidationType, 400,
            "1 validation error detected: Value 'example.com' at 'statementId' failed to satisfy constraint: Member must satisfy regular expression pattern: ([a-zA-Z0-9-_]+)",
            () => _h.AddAsync("fn", Statement("example.com")));
    }

    [Fact]
    public async Task AddPermission_ActionOutsideTheModel_IsAValidationError()
    {
        await _h.CreateActiveAsync("fn");

        await LambdaAssert.ThrowsAsync(LambdaErrors.ValidationType, 400,
            "1 validation error detected: Value 's3:GetObject' at 'action' failed to satisfy constraint: Member must satisfy regular expression pattern: (lambda:[*]|lambda:[a-zA-Z]+|[*])",
            () => _h.AddAsync("fn", Statement(action: "s3:GetObject")));
    }

    [Fact]
    public async Task AddPermission_LatestQualifier_IsRefused()
    {
        await _h.CreateActiveAsync("fn");

        await LambdaAssert.ThrowsAsync(LambdaErrors.InvalidParameterValueType, 400, "We currently do not support adding policies for $LATEST.",
            () => _h.AddAsync("fn:$LATEST", Statement(), qualifier: "$LATEST"));
    }

    [Fact]
    public async Task AddPermission_QualifierAndNameDisagree_IsRefused()
    {
        await _h.CreateActiveAsync("fn");

        await LambdaAssert.ThrowsAsync(LambdaErrors.InvalidParameterValueType, 400, "The derived qualifier from the function name does not match the specified qualifier.",
            () => _h.AddAsync("fn:alias-not-42", Statement(), qualifier: "42"));
    }

    [Fact]
    public async Task AddPermission_MissingFunctionVersionOrAlias_AnswersAwsNotFoundTexts()
    {
        await LambdaAssert.ThrowsAsync(LambdaErrors.ResourceNotFoundType, 404, $"Function not found: {TestValues.Arn("doesnotexist")}",
            () => _h.AddAsync("doesnotexist", Statement()));
        await _h.CreateActiveAsync("fn");
        await LambdaAssert.ThrowsAsync(LambdaErrors.ResourceNotFoundType, 404, $"Function not found: {TestValues.Arn("fn")}:42",
            () => _h.AddAsync("fn", Statement(), qualifier: "42"));
        await LambdaAssert.ThrowsAsync(LambdaErrors.ResourceNotFoundType, 404, $"Cannot find alias arn: {TestValues.Arn("fn")}:alias-doesnotexist",
            () => _h.AddAsync("fn:alias-doesnotexist", Statement()));
    }

    [Theory]
    [InlineData("invalid.nonaws.com")]
    [InlineData("12345")]
    [InlineData("arn:aws:s3:::bucket")]
    [InlineData("arn:aws:iam::*:root")]
    public async Task AddPermission_InvalidPrincipal_IsRefused(string principal)
    {
        await _h.CreateActiveAsync("fn");

        await LambdaAssert.ThrowsAsync(LambdaErrors.InvalidParameterValueType, 400, "The provided principal was invalid. Please check the principal and try again.",
            () => _h.AddAsync("fn", Statement(principal: principal)));
    }

    [Fact]
    public async Task AddPermission_AuthTypeWithoutUrlAction_IsRefused()
    {
        await _h.CreateActiveAsync("fn");

        await LambdaAssert.ThrowsAsync(LambdaErrors.InvalidParameterValueType, 400, "FunctionUrlAuthType is only supported for lambda:InvokeFunctionUrl action",
            () => _h.AddAsync("fn", Statement("u", "*") with { FunctionUrlAuthType = "NONE" }));
    }

    [Fact]
    public async Task AddPermission_MovesTheFunctionRevision_AndTakesItAsPrecondition()
    {
        var created = await _h.CreateActiveAsync("fn");

        await LambdaAssert.ThrowsAsync(LambdaErrors.PreconditionFailedType, 412,
            "The Revision Id provided does not match the latest Revision Id. Call the GetPolicy API to retrieve the latest Revision Id",
            () => _h.AddAsync("fn", Statement(), revisionId: "wrong"));
        await _h.AddAsync("fn", Statement(), revisionId: created.RevisionId);

        var (_, revision) = await _h.PolicyAsync("fn");
        Assert.NotEqual(created.RevisionId, revision);
        Assert.Equal((await _h.LatestAsync("fn")).RevisionId, revision);
        await _h.AddAsync("fn", Statement("s3_2"), revisionId: revision);
    }

    [Fact]
    public async Task AddPermission_OnAlias_MovesTheAliasRevision()
    {
        await _h.CreateActiveAsync("fn");
        var version = await _h.PublishAsync("fn");
        var alias = await _h.AliasAsync("fn", "live", version.Version);

        await _h.AddAsync("fn", Statement(), qualifier: "live", revisionId: alias.RevisionId);

        var (policy, revision) = await _h.PolicyAsync("fn", "live");
        Assert.Contains($"\"Resource\":\"{TestValues.Arn("fn")}:live\"", policy, StringComparison.Ordinal);
        Assert.Equal((await _h.Versions.GetAliasAsync(TestValues.Scope, "fn", "live", Ct)).RevisionId, revision);
        Assert.NotEqual(alias.RevisionId, revision);
    }

    [Fact]
    public async Task PublishVersion_DoesNotCopyTheFunctionPolicy()
    {
        await _h.CreateActiveAsync("fn");
        await _h.AddAsync("fn", Statement());

        var version = await _h.PublishAsync("fn");

        await LambdaAssert.ThrowsAsync(LambdaErrors.ResourceNotFoundType, 404, "The resource you requested does not exist.",
            () => _h.PolicyAsync("fn", version.Version));
        await _h.AddAsync($"fn:{version.Version}", Statement(), qualifier: version.Version);
        var (policy, _) = await _h.PolicyAsync("fn", version.Version);
        Assert.Contains($"\"Resource\":\"{TestValues.Arn("fn")}:1\"", policy, StringComparison.Ordinal);
        Assert.Contains($"\"Resource\":\"{TestValues.Arn("fn")}\"", (await _h.PolicyAsync("fn")).Policy, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetPolicy_NoneOrNothingThere_IsNotFound()
    {
        const string Message = "The resource you requested does not exist.";
        await LambdaAssert.ThrowsAsync(LambdaErrors.ResourceNotFoundType, 404, Message, () => _h.PolicyAsync("doesnotexist"));
        await _h.CreateActiveAsync("fn");
        await LambdaAssert.ThrowsAsync(LambdaErrors.ResourceNotFoundType, 404, Message, () => _h.PolicyAsync("fn"));
        await LambdaAssert.ThrowsAsync(LambdaErrors.ResourceNotFoundType, 404, Message, () => _h.PolicyAsync("fn", "77"));
        await LambdaAssert.ThrowsAsync(LambdaErrors.ResourceNotFoundType, 404, Message, () => _h.PolicyAsync("fn", "nosuchalias"));
    }

    [Fact]
    public async Task RemovePermission_AnswersAwsTexts_AndTheLastOneTakesThePolicy()
    {
        await LambdaAssert.ThrowsAsync(LambdaErrors.ResourceNotFoundType, 404, $"No policy found for: {TestValues.Arn("doesnotexist")}",
            () => _h.RemoveAsync("doesnotexist", "s3"));
        await _h.CreateActiveAsync("fn");
        await LambdaAssert.ThrowsAsync(LambdaErrors.ResourceNotFoundType, 404, "No policy is associated with the given resource.",
            () => _h.RemoveAsync("fn", "s3"));
        await LambdaAssert.ThrowsAsync(LambdaErrors.ResourceNotFoundType, 404, $"Cannot find alias arn: {TestValues.Arn("fn")}:alias-doesnotexist",
            () => _h.RemoveAsync("fn", "s3", qualifier: "alias-doesnotexist"));
        await _h.AddAsync("fn", Statement());
        await _h.AddAsync("fn", Statement("sqs", "sqs.amazonaws.com"));
        await LambdaAssert.ThrowsAsync(LambdaErrors.ResourceNotFoundType, 404, "Statement non-existent is not found in resource policy.",
            () => _h.RemoveAsync("fn", "non-existent"));
        await LambdaAssert.ThrowsAsync(LambdaErrors.PreconditionFailedType, 412,
            "The Revision Id provided does not match the latest Revision Id. Call the GetFunction/GetAlias API to retrieve the latest Revision Id",
            () => _h.RemoveAsync("fn", "sqs", revisionId: "wrong"));

        await _h.RemoveAsync("fn", "sqs");
        var (policy, revision) = await _h.PolicyAsync("fn");
        Assert.DoesNotContain("\"sqs\"", policy, StringComparison.Ordinal);
        await _h.RemoveAsync("fn", "s3", revisionId: revision);

        await LambdaAssert.ThrowsAsync(LambdaErrors.ResourceNotFoundType, 404, "The resource you requested does not exist.", () => _h.PolicyAsync("fn"));
    }

    [Fact]
    public async Task RemovePermission_StatementIdWithDots_IsValid()
    {
        await _h.CreateActiveAsync("fn");

        await LambdaAssert.ThrowsAsync(LambdaErrors.ResourceNotFoundType, 404, "No policy is associated with the given resource.",
            () => _h.RemoveAsync("fn", "example.com"));
        await LambdaAssert.ThrowsAsync(LambdaErrors.ValidationType, 400,
            "1 validation error detected: Value 'a b' at 'statementId' failed to satisfy constraint: Member must satisfy regular expression pattern: ([a-zA-Z0-9-_.]+)",
            () => _h.RemoveAsync("fn", "a b"));
    }

    [Fact]
    public async Task AddPermission_Past20KB_IsPolicyLengthExceeded()
    {
        await _h.CreateActiveAsync("fn");
        var arn = new string('a', 900);
        var i = 0;
        LambdaException? refused = null;
        while (refused is null && i < 100)
        {
            try
            {
                await _h.AddAsync("fn", Statement($"s{i++}") with { SourceArn = $"arn:aws:s3:::{arn}" });
            }
            catch (LambdaException e)
            {
                refused = e;
            }
        }

        Assert.NotNull(refused);
        Assert.Equal(PermissionErrors.PolicyLengthExceededType, refused.ErrorType);
        Assert.Matches(@"^The final policy size \(2\d{4}\) is bigger than the limit \(20480\)\.$", refused.Message);
        var (policy, _) = await _h.PolicyAsync("fn");
        Assert.InRange(System.Text.Encoding.UTF8.GetByteCount(policy), 19000, 20480);
    }

    [Fact]
    public async Task Policies_GoWithTheirAliasAndFunction()
    {
        await _h.CreateActiveAsync("fn");
        var version = await _h.PublishAsync("fn");
        await _h.AliasAsync("fn", "live", version.Version);
        await _h.AddAsync("fn", Statement(), qualifier: "live");
        await _h.AddAsync("fn", Statement());

        await _h.Versions.DeleteAliasAsync(TestValues.Scope, "fn", "live", Ct);
        await _h.AliasAsync("fn", "live", version.Version);
        await LambdaAssert.ThrowsAsync(LambdaErrors.ResourceNotFoundType, 404, "The resource you requested does not exist.", () => _h.PolicyAsync("fn", "live"));

        await _h.Service.DeleteAsync(TestValues.Scope, "fn", null, Ct);
        await _h.CreateActiveAsync("fn");
        await LambdaAssert.ThrowsAsync(LambdaErrors.ResourceNotFoundType, 404, "The resource you requested does not exist.", () => _h.PolicyAsync("fn"));
        Assert.Null(await _h.Policies.FindAsync(TestValues.Scope, "fn", FunctionVersion.Latest, Ct));
    }

    [Fact]
    public async Task FindAsync_FollowsChanges()
    {
        await _h.CreateActiveAsync("fn");
        Assert.Null(await _h.Policies.FindAsync(TestValues.Scope, "fn", FunctionVersion.Latest, Ct));

        await _h.AddAsync("fn", Statement("x", "210987654321"));
        var policy = await _h.Policies.FindAsync(TestValues.Scope, "fn", FunctionVersion.Latest, Ct);
        Assert.NotNull(policy);
        Assert.Same(policy, await _h.Policies.FindAsync(TestValues.Scope, "fn", FunctionVersion.Latest, Ct));
        Assert.Equal(["x"], policy.Statements.Select(s => s.Sid));
        Assert.Equal(["arn:aws:iam::210987654321:root"], policy.Statements[0].Principal!.Aws);

        await _h.RemoveAsync("fn", "x");
        Assert.Null(await _h.Policies.FindAsync(TestValues.Scope, "fn", FunctionVersion.Latest, Ct));
    }

    [Fact]
    public async Task AddPermission_WhileSettling_QueuesTheSettleAgain()
    {
        await _h.CreateAsync("fn");
        _h.DrainSettling();

        await _h.AddAsync("fn", Statement());

        Assert.Equal([new FunctionKey(TestValues.Scope, "fn")], _h.DrainSettling());
        await _h.SettleAsync("fn");
        Assert.Equal(FunctionStates.Active, (await _h.LatestAsync("fn")).State);
    }
}
