// SPDX-License-Identifier: Apache-2.0
using Nimbus.Core.Errors;
using Nimbus.Core.Functions;
using Nimbus.TestKit.Fakes;

namespace Nimbus.Core.Tests.Functions;

public sealed class FunctionServiceDeleteTests
{
    private readonly ServiceHarness _harness = new();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private Task DeleteAsync(string name, string? qualifier = null) =>
        _harness.Service.DeleteAsync(TestValues.Scope, name, qualifier, Ct);

    [Fact]
    public async Task DeleteAsync_OnlyUser_RemovesFunctionAndCode()
    {
        var zip = ServiceHarness.Zip();
        await _harness.CreateActiveAsync("fn", zip: zip);

        await DeleteAsync("fn");

        Assert.Empty(_harness.Store.Snapshot());
        Assert.Equal([InMemoryCodeStore.HashOf(zip)], _harness.Code.Deleted);
        Assert.Empty(_harness.Code.StoredHashes);
    }

    [Fact]
    public async Task DeleteAsync_CodeSharedWithOtherFunction_KeepsCode()
    {
        var zip = ServiceHarness.Zip();
        await _harness.CreateActiveAsync("first", zip: zip);
        await _harness.CreateActiveAsync("second", zip: zip);

        await DeleteAsync("first");

        Assert.Empty(_harness.Code.Deleted);
        Assert.Contains(InMemoryCodeStore.HashOf(zip), _harness.Code.StoredHashes);
        Assert.Equal("second", Assert.Single(_harness.Store.Snapshot()).Name);
    }

    [Fact]
    public async Task DeleteAsync_LastOfTwoSharers_RemovesCode()
    {
        var zip = ServiceHarness.Zip();
        await _harness.CreateActiveAsync("first", zip: zip);
        await _harness.CreateActiveAsync("second", zip: zip);

        await DeleteAsync("first");
        await DeleteAsync("second");

        Assert.Empty(_harness.Code.StoredHashes);
    }

    [Fact]
    public async Task DeleteAsync_ByArn_RemovesFunction()
    {
        await _harness.CreateActiveAsync("fn");

        await DeleteAsync(TestValues.Arn("fn"));

        Assert.Empty(_harness.Store.Snapshot());
    }

    [Fact]
    public async Task DeleteAsync_Missing_ThrowsNotFound() =>
        await LambdaAssert.ThrowsAsync(
            LambdaErrors.ResourceNotFoundType,
            404,
            "Function not found: arn:aws:lambda:us-east-1:123456789012:function:nope",
            () => DeleteAsync("nope"));

    [Fact]
    public async Task DeleteAsync_MissingWithQualifier_ThrowsNotFoundWithUnqualifiedArn() =>
        await LambdaAssert.ThrowsAsync(
            LambdaErrors.ResourceNotFoundType,
            404,
            "Function not found: arn:aws:lambda:us-east-1:123456789012:function:nope",
            () => DeleteAsync("nope", "1"));

    [Fact]
    public async Task DeleteAsync_LatestQualifier_ThrowsAndKeepsFunction()
    {
        await _harness.CreateActiveAsync("fn");

        await LambdaAssert.ThrowsAsync(
            LambdaErrors.InvalidParameterValueType,
            400,
            "$LATEST version cannot be deleted without deleting the function.",
            () => DeleteAsync("fn:$LATEST", "$LATEST"));

        Assert.Single(_harness.Store.Snapshot());
    }

    [Fact]
    public async Task DeleteAsync_QualifierConflict_ThrowsDerivedQualifier()
    {
        await _harness.CreateActiveAsync("fn");

        await LambdaAssert.ThrowsAsync(
            LambdaErrors.InvalidParameterValueType,
            400,
            "The derived qualifier from the function name does not match the specified qualifier.",
            () => DeleteAsync("fn:1", "$LATEST"));
    }

    [Fact]
    public async Task DeleteAsync_MissingVersionOfExistingFunction_SucceedsAndKeepsFunction()
    {
        await _harness.CreateActiveAsync("fn");

        await DeleteAsync("fn", "7");

        Assert.Single(_harness.Store.Snapshot());
        Assert.Empty(_harness.Code.Deleted);
    }
}
