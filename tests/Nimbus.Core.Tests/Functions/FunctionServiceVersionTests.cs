// SPDX-License-Identifier: Apache-2.0
using Nimbus.Core.Errors;
using Nimbus.Core.Functions;

namespace Nimbus.Core.Tests.Functions;

public sealed class FunctionServiceVersionTests
{
    private readonly ServiceHarness _harness = new();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private Task<FunctionVersion> PublishAsync(string? codeSha256 = null, string? description = null, string? revisionId = null) =>
        _harness.Versions.PublishVersionAsync(TestValues.Scope, "fn", codeSha256, description, revisionId, Ct);

    [Fact]
    public async Task PublishVersionAsync_Active_CopiesLatestAsVersionOne()
    {
        var latest = await _harness.CreateActiveAsync("fn");

        var version = await PublishAsync(description: "first");

        Assert.Equal("1", version.Version);
        Assert.Equal("first", version.Description);
        Assert.Equal(latest.CodeSha256, version.CodeSha256);
        Assert.Equal(FunctionStates.Active, version.State);
        Assert.NotEqual(latest.RevisionId, version.RevisionId);
        Assert.NotEqual(latest.RevisionId, (await _harness.LatestAsync("fn")).RevisionId);
    }

    [Fact]
    public async Task PublishVersionAsync_NothingChanged_ReturnsLastVersion()
    {
        await _harness.CreateActiveAsync("fn");
        var first = await PublishAsync(description: "first");

        var again = await PublishAsync(description: "ignored");

        Assert.Equal(first, again);
    }

    [Fact]
    public async Task PublishVersionAsync_AfterDelete_NeverReusesNumber()
    {
        await _harness.CreateActiveAsync("fn");
        await PublishAsync();
        await _harness.Service.DeleteAsync(TestValues.Scope, "fn", "1", Ct);
        await _harness.Service.UpdateConfigurationAsync(TestValues.Scope, "fn", new FunctionChange { Timeout = 9 }, Ct);
        await _harness.SettleAsync("fn");

        var version = await PublishAsync();

        Assert.Equal("2", version.Version);
    }

    [Fact]
    public async Task PublishVersionAsync_WrongCodeSha256_ThrowsInvalidParameter()
    {
        var latest = await _harness.CreateActiveAsync("fn");

        await LambdaAssert.ThrowsAsync(
            LambdaErrors.InvalidParameterValueType,
            400,
            $"CodeSHA256 (nope) is different from current CodeSHA256 in $LATEST ({latest.CodeSha256}). Please try again with the CodeSHA256 in $LATEST.",
            () => PublishAsync(codeSha256: "nope"));
    }

    [Fact]
    public async Task PublishVersionAsync_StaleRevision_ThrowsPreconditionFailed()
    {
        await _harness.CreateActiveAsync("fn");

        await Assert.ThrowsAsync<LambdaException>(() => PublishAsync(revisionId: "stale"));
        Assert.Null(await _harness.Store.GetVersionAsync(TestValues.Scope, "fn", 1, Ct));
    }

    [Fact]
    public async Task UpdateCodeAsync_Publish_VersionKeepsOldCodeAfterNextUpdate()
    {
        await _harness.CreateActiveAsync("fn");
        var published = await _harness.Service.UpdateCodeAsync(
            TestValues.Scope, "fn", ServiceHarness.Upload(ServiceHarness.Zip("v2")), null, null, dryRun: false, publish: true, Ct);
        Assert.Equal(FunctionStates.Pending, published.State);
        await _harness.SettleAsync("fn");
        await _harness.Service.UpdateCodeAsync(
            TestValues.Scope, "fn", ServiceHarness.Upload(ServiceHarness.Zip("v3")), null, null, dryRun: false, publish: false, Ct);

        var version = await _harness.Service.GetAsync(TestValues.Scope, "fn", "1", Ct);

        Assert.Equal(published.CodeSha256, version.Version.CodeSha256);
        Assert.Equal(FunctionStates.Active, version.Version.State);
        Assert.Equal(FunctionStates.Successful, version.Version.LastUpdateStatus);
        Assert.NotEqual(published.CodeSha256, (await _harness.LatestAsync("fn")).CodeSha256);
    }

    [Fact]
    public async Task UpdateConfigurationAsync_QualifiedName_ThrowsInvalidParameter()
    {
        await _harness.CreateActiveAsync("fn");

        await LambdaAssert.ThrowsAsync(
            LambdaErrors.InvalidParameterValueType,
            400,
            "Current operation does not support versions other than $LATEST. Please set the version to $LATEST or do not set a version in your request.",
            () => _harness.Service.UpdateConfigurationAsync(TestValues.Scope, "fn:1", new FunctionChange { Timeout = 5 }, Ct));
    }

    [Fact]
    public async Task ListVersionsAsync_Paged_LatestFirstThenAscending()
    {
        await _harness.CreateActiveAsync("fn");
        for (var i = 0; i < 3; i++)
        {
            await PublishAsync();
            await _harness.Service.UpdateConfigurationAsync(TestValues.Scope, "fn", new FunctionChange { Timeout = 10 + i }, Ct);
            await _harness.SettleAsync("fn");
        }

        var first = await _harness.Versions.ListVersionsAsync(TestValues.Scope, "fn", null, 2, Ct);
        var second = await _harness.Versions.ListVersionsAsync(TestValues.Scope, "fn", first.NextMarker, 2, Ct);

        Assert.Equal(["$LATEST", "1"], first.Functions.Select(v => v.Version));
        Assert.Equal(["2", "3"], second.Functions.Select(v => v.Version));
        Assert.Null(second.NextMarker);
    }

    [Fact]
    public async Task GetAsync_MissingVersion_ThrowsNotFoundWithQualifiedArn()
    {
        await _harness.CreateActiveAsync("fn");

        await LambdaAssert.ThrowsAsync(
            LambdaErrors.ResourceNotFoundType, 404, $"Function not found: {TestValues.Arn("fn")}:7", () => _harness.Service.GetAsync(TestValues.Scope, "fn", "7", Ct));
    }

    [Fact]
    public async Task DeleteAsync_VersionAnAliasUses_ThrowsConflict()
    {
        await _harness.CreateActiveAsync("fn");
        await PublishAsync();
        await _harness.Versions.CreateAliasAsync(TestValues.Scope, "fn", "live", new AliasChange { FunctionVersion = "1" }, Ct);

        await LambdaAssert.ThrowsAsync(
            LambdaErrors.ResourceConflictType,
            409,
            $"Unable to delete version because the following aliases reference it: [{TestValues.Arn("fn")}:live]",
            () => _harness.Service.DeleteAsync(TestValues.Scope, "fn", "1", Ct));
        Assert.NotNull(await _harness.Store.GetVersionAsync(TestValues.Scope, "fn", 1, Ct));
    }

    [Fact]
    public async Task DeleteAsync_Alias_ThrowsInvalidParameter()
    {
        await _harness.CreateActiveAsync("fn");

        await LambdaAssert.ThrowsAsync(
            LambdaErrors.InvalidParameterValueType, 400, "Deletion of aliases is not currently supported.", () => _harness.Service.DeleteAsync(TestValues.Scope, "fn", "live", Ct));
    }

    [Fact]
    public async Task ListAsync_AllVersions_PagesAcrossFunctions()
    {
        await _harness.CreateActiveAsync("a");
        await _harness.Versions.PublishVersionAsync(TestValues.Scope, "a", null, null, null, Ct);
        await _harness.CreateActiveAsync("b");
        await _harness.CreateActiveAsync("fn");
        await PublishAsync();

        var seen = new List<string>();
        string? marker = null;
        do
        {
            var page = await _harness.Service.ListAsync(TestValues.Scope, "ALL", marker, 2, Ct);
            Assert.True(page.Functions.Count <= 2);
            seen.AddRange(page.Functions.Select(v => $"{v.Name}:{v.Version}"));
            marker = page.NextMarker;
        }
        while (marker is not null);

        Assert.Equal(["a:$LATEST", "a:1", "b:$LATEST", "fn:$LATEST", "fn:1"], seen);
    }
}
