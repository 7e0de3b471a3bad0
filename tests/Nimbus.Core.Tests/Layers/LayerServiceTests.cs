// SPDX-License-Identifier: Apache-2.0
using System.Text.Json;
using Nimbus.Core.Arns;
using Nimbus.Core.Errors;
using Nimbus.Core.Functions;
using Nimbus.Core.Layers;
using Nimbus.Core.Tests.Functions;
using Nimbus.TestKit;
using Nimbus.TestKit.Fakes;

namespace Nimbus.Core.Tests.Layers;

public sealed class LayerServiceTests
{
    private const string OtherAccount = "210987654321";
    private static readonly Scope s_other = new(OtherAccount, TestValues.Region);
    private readonly ServiceHarness _harness = new();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private LayerService Layers => _harness.LayerService;

    private static LayerPublish Publish(string marker = "m") => new() { Content = ServiceHarness.Upload(ZipBuilder.PythonEcho(marker)) };

    [Fact]
    public async Task PublishAsync_NewLayer_StartsAtOneWithArnsAndContent()
    {
        var zip = ZipBuilder.PythonEcho("a");
        _harness.Time.SetUtcNow(ServiceHarness.Start);

        var published = await Layers.PublishAsync(TestValues.Scope, "shared", new LayerPublish
        {
            Content = ServiceHarness.Upload(zip),
            Description = "d",
            CompatibleRuntimes = ["python3.12"],
            CompatibleArchitectures = ["arm64"],
            LicenseInfo = "MIT",
        }, Ct);

        Assert.Equal(1, published.Version);
        Assert.Equal("arn:aws:lambda:us-east-1:123456789012:layer:shared", published.LayerArn);
        Assert.Equal("arn:aws:lambda:us-east-1:123456789012:layer:shared:1", published.LayerVersionArn);
        Assert.Equal(InMemoryCodeStore.HashOf(zip), published.CodeSha256);
        Assert.Equal(zip.Length, published.CodeSize);
        Assert.Equal(ServiceHarness.Start, published.CreatedDate);
        Assert.Equal(["python3.12"], published.CompatibleRuntimes);
        Assert.Equal(["arm64"], published.CompatibleArchitectures);
        Assert.Equal("MIT", published.LicenseInfo);
    }

    [Fact]
    public async Task PublishAsync_AfterDelete_NeverReusesANumber()
    {
        await Layers.PublishAsync(TestValues.Scope, "l", Publish("1"), Ct);
        await Layers.PublishAsync(TestValues.Scope, "l", Publish("2"), Ct);
        await Layers.DeleteAsync(TestValues.Scope, "l", 2, Ct);

        var third = await Layers.PublishAsync(TestValues.Scope, "l", Publish("3"), Ct);

        Assert.Equal(3, third.Version);
    }

    [Fact]
    public async Task PublishAsync_ByLayerArn_PublishesToThatLayer()
    {
        var published = await Layers.PublishAsync(TestValues.Scope, "arn:aws:lambda:us-east-1:123456789012:layer:named", Publish(), Ct);

        Assert.Equal("named", published.LayerName);
    }

    [Fact]
    public Task PublishAsync_BadName_ThrowsModelPattern() =>
        LambdaAssert.ThrowsAsync(
            LambdaErrors.ValidationType,
            400,
            // The pattern as botocore's lambda model states it for layerName, not as Nimbus's validator spells it.
            @"1 validation error detected: Value 'bad name' at 'layerName' failed to satisfy constraint: Member must satisfy regular expression pattern: (arn:(aws[a-zA-Z-]*)?:lambda:(eusc-)?[a-z]{2}((-gov)|(-iso([a-z]?)))?-[a-z]+-\d{1}:\d{12}:layer:[a-zA-Z0-9-_]+)|[a-zA-Z0-9-_]+",
            () => Layers.PublishAsync(TestValues.Scope, "bad name", Publish(), Ct));

    [Fact]
    public async Task PublishAsync_BadRuntimeAndArchitecture_ReportsBothTogether()
    {
        var error = await Assert.ThrowsAsync<LambdaException>(() => Layers.PublishAsync(
            TestValues.Scope,
            "l",
            Publish() with { CompatibleRuntimes = ["invalidruntime"], CompatibleArchitectures = ["invalidarch"] },
            Ct));

        Assert.Equal(LambdaErrors.ValidationType, error.ErrorType);
        Assert.StartsWith("2 validation errors detected: Value '[invalidruntime]' at 'compatibleRuntimes' failed to satisfy constraint: Member must satisfy enum value set: [nodejs, nodejs4.3, ", error.Message, StringComparison.Ordinal);
        Assert.EndsWith(
            "; Value '[invalidarch]' at 'compatibleArchitectures' failed to satisfy constraint: Member must satisfy constraint: [Member must satisfy enum value set: [x86_64, arm64], Member must not be null]",
            error.Message,
            StringComparison.Ordinal);
    }

    [Fact]
    public async Task PublishAsync_NullRuntimeAndArchitecture_QuotesNullInTheList()
    {
        var error = await Assert.ThrowsAsync<LambdaException>(() => Layers.PublishAsync(
            TestValues.Scope,
            "l",
            Publish() with { CompatibleRuntimes = ["python3.12", null!], CompatibleArchitectures = [null!] },
            Ct));

        Assert.Equal(LambdaErrors.ValidationType, error.ErrorType);
        Assert.StartsWith("2 validation errors detected: Value '[python3.12, null]' at 'compatibleRuntimes' failed to satisfy constraint: Member must satisfy enum value set: [", error.Message, StringComparison.Ordinal);
        Assert.EndsWith(
            "; Value '[null]' at 'compatibleArchitectures' failed to satisfy constraint: Member must satisfy constraint: [Member must satisfy enum value set: [x86_64, arm64], Member must not be null]",
            error.Message,
            StringComparison.Ordinal);
    }

    [Fact]
    public Task PublishAsync_SixteenRuntimes_ThrowsLengthLimit() =>
        LambdaAssert.ThrowsAsync(
            LambdaErrors.ValidationType,
            400,
            $"1 validation error detected: Value '[{string.Join(", ", Enumerable.Repeat("python3.12", 16))}]' at 'compatibleRuntimes' failed to satisfy constraint: Member must have length less than or equal to 15",
            () => Layers.PublishAsync(TestValues.Scope, "l", Publish() with { CompatibleRuntimes = [.. Enumerable.Repeat("python3.12", 16)] }, Ct));

    [Fact]
    public Task PublishAsync_NoContent_ThrowsNotNull() =>
        LambdaAssert.ThrowsAsync(
            LambdaErrors.ValidationType,
            400,
            "1 validation error detected: Value null at 'content' failed to satisfy constraint: Member must not be null",
            () => Layers.PublishAsync(TestValues.Scope, "l", new LayerPublish(), Ct));

    [Fact]
    public async Task PublishAsync_FromS3_RefusedAndStoresNothing()
    {
        var error = await Assert.ThrowsAsync<LambdaException>(() =>
            Layers.PublishAsync(TestValues.Scope, "l", new LayerPublish { Content = new CodeUpload { S3Bucket = "b", S3Key = "k" } }, Ct));

        Assert.Equal(LambdaErrors.InvalidParameterValueType, error.ErrorType);
        Assert.Contains("ZipFile", error.Message, StringComparison.Ordinal);
        Assert.Empty(_harness.Code.StoredHashes);
    }

    [Fact]
    public async Task PublishAsync_AnotherAccountsLayer_AccessDenied()
    {
        var error = await Assert.ThrowsAsync<LambdaException>(() =>
            Layers.PublishAsync(TestValues.Scope, $"arn:aws:lambda:us-east-1:{OtherAccount}:layer:theirs", Publish(), Ct));

        Assert.Equal("AccessDeniedException", error.ErrorType);
        Assert.Equal(403, error.StatusCode);
    }

    [Fact]
    public async Task GetAsync_DeletedOrUnknown_ThrowsNotFound()
    {
        await Layers.PublishAsync(TestValues.Scope, "l", Publish(), Ct);
        await Layers.DeleteAsync(TestValues.Scope, "l", 1, Ct);

        await LambdaAssert.ThrowsAsync(LambdaErrors.ResourceNotFoundType, 404, "The resource you requested does not exist.", () => Layers.GetAsync(TestValues.Scope, "l", 1, Ct));
        await LambdaAssert.ThrowsAsync(LambdaErrors.ResourceNotFoundType, 404, "The resource you requested does not exist.", () => Layers.GetAsync(TestValues.Scope, "nope", 1, Ct));
    }

    [Fact]
    public async Task DeleteAsync_Twice_IsIdempotentAndFreesUnusedCode()
    {
        var published = await Layers.PublishAsync(TestValues.Scope, "l", Publish(), Ct);

        await Layers.DeleteAsync(TestValues.Scope, "l", 1, Ct);
        await Layers.DeleteAsync(TestValues.Scope, "l", 1, Ct);
        await Layers.DeleteAsync(TestValues.Scope, "never", 5, Ct);

        Assert.Equal([published.CodeSha256], _harness.Code.Deleted);
    }

    [Fact]
    public async Task GetByArnAsync_SharedWithCaller_ReturnsIt_OtherwiseAccessDenied()
    {
        var theirs = await Layers.PublishAsync(s_other, "theirs", Publish(), Ct);

        var denied = await Assert.ThrowsAsync<LambdaException>(() => Layers.GetByArnAsync(TestValues.Scope, theirs.LayerVersionArn, Ct));
        Assert.Equal("AccessDeniedException", denied.ErrorType);

        await Layers.AddPermissionAsync(s_other, "theirs", 1, new LayerStatement("share", "lambda:GetLayerVersion", TestValues.Account, null), null, Ct);
        var shared = await Layers.GetByArnAsync(TestValues.Scope, theirs.LayerVersionArn, Ct);

        Assert.Equal(theirs.LayerVersionArn, shared.LayerVersionArn);
    }

    [Fact]
    public async Task ListVersionsAsync_FiltersAndPages_NewestFirst()
    {
        await Layers.PublishAsync(TestValues.Scope, "l", Publish("1") with { CompatibleRuntimes = ["python3.12"] }, Ct);
        await Layers.PublishAsync(TestValues.Scope, "l", Publish("2") with { CompatibleRuntimes = ["nodejs20.x"] }, Ct);
        await Layers.PublishAsync(TestValues.Scope, "l", Publish("3") with { CompatibleRuntimes = ["python3.12"], CompatibleArchitectures = ["arm64"] }, Ct);

        var all = await Layers.ListVersionsAsync(TestValues.Scope, "l", LayerFilter.None, null, null, Ct);
        var python = await Layers.ListVersionsAsync(TestValues.Scope, "l", new LayerFilter("python3.12", null), null, null, Ct);
        var arm = await Layers.ListVersionsAsync(TestValues.Scope, "l", new LayerFilter(null, "arm64"), null, null, Ct);
        var first = await Layers.ListVersionsAsync(TestValues.Scope, "l", LayerFilter.None, null, 2, Ct);
        var second = await Layers.ListVersionsAsync(TestValues.Scope, "l", LayerFilter.None, first.NextMarker, 2, Ct);

        Assert.Equal([3L, 2L, 1L], all.Versions.Select(v => v.Version));
        Assert.Equal([3L, 1L], python.Versions.Select(v => v.Version));
        Assert.Equal([3L], arm.Versions.Select(v => v.Version));
        Assert.Equal([3L, 2L], first.Versions.Select(v => v.Version));
        Assert.Equal([1L], second.Versions.Select(v => v.Version));
        Assert.Null(second.NextMarker);
    }

    [Fact]
    public async Task ListLayersAsync_LatestMatchingVersionPerLayer()
    {
        await Layers.PublishAsync(TestValues.Scope, "b", Publish("1") with { CompatibleRuntimes = ["python3.12"] }, Ct);
        await Layers.PublishAsync(TestValues.Scope, "b", Publish("2"), Ct);
        await Layers.PublishAsync(TestValues.Scope, "a", Publish("3"), Ct);

        var all = await Layers.ListLayersAsync(TestValues.Scope, LayerFilter.None, null, null, Ct);
        var python = await Layers.ListLayersAsync(TestValues.Scope, new LayerFilter("python3.12", null), null, null, Ct);
        var paged = await Layers.ListLayersAsync(TestValues.Scope, LayerFilter.None, null, 1, Ct);
        var next = await Layers.ListLayersAsync(TestValues.Scope, LayerFilter.None, paged.NextMarker, 1, Ct);

        Assert.Equal(["a:1", "b:2"], all.Versions.Select(v => $"{v.LayerName}:{v.Version}"));
        Assert.Equal(["b:1"], python.Versions.Select(v => $"{v.LayerName}:{v.Version}"));
        Assert.Equal(["a"], paged.Versions.Select(v => v.LayerName));
        Assert.Equal(["b"], next.Versions.Select(v => v.LayerName));
    }

    [Fact]
    public Task ListLayersAsync_MaxItemsOverFifty_ThrowsRange() =>
        LambdaAssert.ThrowsAsync(
            LambdaErrors.ValidationType,
            400,
            "1 validation error detected: Value '51' at 'maxItems' failed to satisfy constraint: Member must have value less than or equal to 50",
            () => Layers.ListLayersAsync(TestValues.Scope, LayerFilter.None, null, 51, Ct));

    [Fact]
    public async Task AddPermissionAsync_BuildsAwsStatementAndPolicy()
    {
        var layer = await Layers.PublishAsync(TestValues.Scope, "l", Publish(), Ct);

        var (statement, revision) = await Layers.AddPermissionAsync(TestValues.Scope, "l", 1, new LayerStatement("one", "lambda:GetLayerVersion", OtherAccount, null), null, Ct);
        await Layers.AddPermissionAsync(TestValues.Scope, "l", 1, new LayerStatement("org", "lambda:GetLayerVersion", "*", "o-abcdefghij"), revision, Ct);
        var (policy, latest) = await Layers.GetPolicyAsync(TestValues.Scope, "l", 1, Ct);

        Assert.Equal(
            $$"""{"Sid":"one","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::{{OtherAccount}}:root"},"Action":"lambda:GetLayerVersion","Resource":"{{layer.LayerVersionArn}}"}""",
            statement);
        Assert.NotEqual(revision, latest);
        Assert.Equal(
            """{"Version":"2012-10-17","Id":"default","Statement":[""" + statement
                + """,{"Sid":"org","Effect":"Allow","Principal":"*","Action":"lambda:GetLayerVersion","Resource":""" + $"\"{layer.LayerVersionArn}\""
                + ""","Condition":{"StringEquals":{"aws:PrincipalOrgID":"o-abcdefghij"}}}]}""",
            policy);
        using var parsed = JsonDocument.Parse(policy);
        Assert.Equal(2, parsed.RootElement.GetProperty("Statement").GetArrayLength());
    }

    [Fact]
    public async Task AddPermissionAsync_SameStatementId_ThrowsConflict()
    {
        await Layers.PublishAsync(TestValues.Scope, "l", Publish(), Ct);
        await Layers.AddPermissionAsync(TestValues.Scope, "l", 1, new LayerStatement("s", "lambda:GetLayerVersion", "*", null), null, Ct);

        await LambdaAssert.ThrowsAsync(
            LambdaErrors.ResourceConflictType,
            409,
            "The statement id (s) provided already exists. Please provide a new statement id, or remove the existing statement.",
            () => Layers.AddPermissionAsync(TestValues.Scope, "l", 1, new LayerStatement("s", "lambda:GetLayerVersion", "*", null), null, Ct));
    }

    [Fact]
    public async Task AddPermissionAsync_StaleRevision_ThrowsPreconditionFailed()
    {
        await Layers.PublishAsync(TestValues.Scope, "l", Publish(), Ct);

        await LambdaAssert.ThrowsAsync(
            LambdaErrors.PreconditionFailedType,
            412,
            "The Revision Id provided does not match the latest Revision Id. Call the GetLayerVersionPolicy API to retrieve the latest Revision Id",
            () => Layers.AddPermissionAsync(TestValues.Scope, "l", 1, new LayerStatement("s", "lambda:GetLayerVersion", "*", null), "stale", Ct));
    }

    [Fact]
    public async Task AddPermissionAsync_BadActionAndPrincipal_ReportsBoth()
    {
        await Layers.PublishAsync(TestValues.Scope, "l", Publish(), Ct);

        await LambdaAssert.ThrowsAsync(
            LambdaErrors.ValidationType,
            400,
            "2 validation errors detected: Value 'lambda:InvokeFunction' at 'action' failed to satisfy constraint: Member must satisfy regular expression pattern: lambda:GetLayerVersion; Value 'someone' at 'principal' failed to satisfy constraint: Member must satisfy regular expression pattern: \\d{12}|\\*|arn:(aws[a-zA-Z-]*):iam::\\d{12}:root",
            () => Layers.AddPermissionAsync(TestValues.Scope, "l", 1, new LayerStatement("s", "lambda:InvokeFunction", "someone", null), null, Ct));
    }

    [Fact]
    public async Task RemovePermissionAsync_Unknown_ThrowsNotFound_LastRemoved_NoPolicy()
    {
        await Layers.PublishAsync(TestValues.Scope, "l", Publish(), Ct);
        await Layers.AddPermissionAsync(TestValues.Scope, "l", 1, new LayerStatement("s", "lambda:GetLayerVersion", "*", null), null, Ct);

        await LambdaAssert.ThrowsAsync(LambdaErrors.ResourceNotFoundType, 404, "Statement x is not found in resource policy.", () => Layers.RemovePermissionAsync(TestValues.Scope, "l", 1, "x", null, Ct));
        await Layers.RemovePermissionAsync(TestValues.Scope, "l", 1, "s", null, Ct);
        await LambdaAssert.ThrowsAsync(LambdaErrors.ResourceNotFoundType, 404, "No policy is associated with the given resource.", () => Layers.GetPolicyAsync(TestValues.Scope, "l", 1, Ct));
    }
}
