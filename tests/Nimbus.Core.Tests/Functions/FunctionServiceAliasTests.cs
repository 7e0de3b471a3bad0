// SPDX-License-Identifier: Apache-2.0
using Nimbus.Core.Errors;
using Nimbus.Core.Functions;

namespace Nimbus.Core.Tests.Functions;

public sealed class FunctionServiceAliasTests
{
    private readonly ServiceHarness _harness = new();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static string AliasArn(string alias) => $"{TestValues.Arn("fn")}:{alias}";

    /// <summary>A function with versions 1 and 2 (different timeouts).</summary>
    private async Task TwoVersionsAsync(FunctionChange? secondChange = null)
    {
        await _harness.CreateActiveAsync("fn");
        await _harness.Versions.PublishVersionAsync(TestValues.Scope, "fn", null, null, null, Ct);
        await _harness.Service.UpdateConfigurationAsync(TestValues.Scope, "fn", secondChange ?? new FunctionChange { Timeout = 7 }, Ct);
        await _harness.SettleAsync("fn");
        await _harness.Versions.PublishVersionAsync(TestValues.Scope, "fn", null, null, null, Ct);
    }

    private Task<FunctionAlias> CreateAsync(string name, string version, Dictionary<string, double>? weights = null) =>
        _harness.Versions.CreateAliasAsync(TestValues.Scope, "fn", name, new AliasChange { FunctionVersion = version, AdditionalVersionWeights = weights }, Ct);

    [Fact]
    public async Task CreateAliasAsync_Weighted_ResolvesBothVersions()
    {
        await TwoVersionsAsync();

        var alias = await CreateAsync("live", "1", new() { ["2"] = 0.25 });
        var target = await _harness.Service.GetForInvokeAsync(TestValues.Scope, "fn", "live", Ct);

        Assert.Equal("", alias.Description);
        Assert.Equal("1", target.Primary.Version);
        Assert.Equal("2", target.Additional?.Version);
        Assert.Equal(0.25, target.AdditionalWeight);
    }

    [Fact]
    public async Task GetForInvokeAsync_AfterUpdateAlias_FollowsTheAlias()
    {
        await TwoVersionsAsync();
        await CreateAsync("live", "1");
        Assert.Equal("1", (await _harness.Service.GetForInvokeAsync(TestValues.Scope, "fn", "live", Ct)).Choose().Version);

        await _harness.Versions.UpdateAliasAsync(TestValues.Scope, "fn", "live", new AliasChange { FunctionVersion = "2" }, Ct);

        Assert.Equal("2", (await _harness.Service.GetForInvokeAsync(TestValues.Scope, "fn", "live", Ct)).Choose().Version);
    }

    [Fact]
    public async Task CreateAliasAsync_Exists_ThrowsConflict()
    {
        await TwoVersionsAsync();
        await CreateAsync("live", "1");

        await LambdaAssert.ThrowsAsync(LambdaErrors.ResourceConflictType, 409, $"Alias already exists: {AliasArn("live")}", () => CreateAsync("live", "2"));
    }

    public static TheoryData<string, string, Dictionary<string, double>?, string, string> Refusals() => new()
    {
        { "2024", "1", null, LambdaErrors.ValidationType, "1 validation error detected: Value '2024' at 'name' failed to satisfy constraint: Member must satisfy regular expression pattern: (?!^[0-9]+$)([a-zA-Z0-9-_]+)" },
        { "live", "1", new() { ["2"] = 0.1, ["3"] = 0.1 }, LambdaErrors.InvalidParameterValueType, "Number of items in AdditionalVersionWeights cannot be greater than 1" },
        { "live", "1", new() { ["2"] = 2 }, LambdaErrors.ValidationType, "1 validation error detected: Value '{2=2.0}' at 'routingConfig.additionalVersionWeights' failed to satisfy constraint: Map value must satisfy constraint: [Member must have value less than or equal to 1.0, Member must have value greater than or equal to 0.0, Member must not be null]" },
        { "live", "1", new() { ["1"] = 0.5 }, LambdaErrors.InvalidParameterValueType, "Invalid function version 1. Function version 1 is already included in routing configuration." },
        { "live", "$LATEST", new() { ["1"] = 0.5 }, LambdaErrors.InvalidParameterValueType, "$LATEST is not supported for an alias pointing to more than 1 version" },
        { "live", "1", new() { ["$LATEST"] = 0.5 }, LambdaErrors.ValidationType, "1 validation error detected: Value '{$LATEST=0.5}' at 'routingConfig.additionalVersionWeights' failed to satisfy constraint: Map keys must satisfy constraint: [Member must have length less than or equal to 1024, Member must have length greater than or equal to 1, Member must satisfy regular expression pattern: [0-9]+]" },
        { "live", "10", null, LambdaErrors.ResourceNotFoundType, $"Function not found: {TestValues.Arn("fn")}:10" },
        { "live", "1", new() { ["10"] = 0.5 }, LambdaErrors.ResourceNotFoundType, $"Function not found: {TestValues.Arn("fn")}:10" },
    };

    [Theory]
    [MemberData(nameof(Refusals))]
    public async Task CreateAliasAsync_BreaksARule_RefusedAndNothingStored(string name, string version, Dictionary<string, double>? weights, string type, string message)
    {
        await TwoVersionsAsync();

        var ex = await Assert.ThrowsAsync<LambdaException>(() => CreateAsync(name, version, weights));

        Assert.Equal((type, message), (ex.ErrorType, ex.Message));
        Assert.Empty(await _harness.Store.ListAliasesAsync(TestValues.Scope, "fn", Ct));
    }

    [Fact]
    public async Task CreateAliasAsync_VersionsWithDifferentRoles_Refused()
    {
        await TwoVersionsAsync(new FunctionChange { Role = "arn:aws:iam::123456789012:role/other" });

        await LambdaAssert.ThrowsAsync(
            LambdaErrors.InvalidParameterValueType, 400, "Specified versions must be associated with the same execution role", () => CreateAsync("live", "1", new() { ["2"] = 0.5 }));
    }

    [Fact]
    public async Task GetAliasAsync_Missing_ThrowsCannotFind()
    {
        await TwoVersionsAsync();

        await LambdaAssert.ThrowsAsync(
            LambdaErrors.ResourceNotFoundType, 404, $"Cannot find alias arn: {AliasArn("nope")}", () => _harness.Versions.GetAliasAsync(TestValues.Scope, "fn", "nope", Ct));
    }

    [Fact]
    public async Task UpdateAliasAsync_MissingOrStale_Refused()
    {
        await TwoVersionsAsync();
        await CreateAsync("live", "1");

        await LambdaAssert.ThrowsAsync(
            LambdaErrors.ResourceNotFoundType, 404, $"Alias not found: {AliasArn("nope")}", () => _harness.Versions.UpdateAliasAsync(TestValues.Scope, "fn", "nope", new AliasChange(), Ct));
        await Assert.ThrowsAsync<LambdaException>(
            () => _harness.Versions.UpdateAliasAsync(TestValues.Scope, "fn", "live", new AliasChange { FunctionVersion = "2", RevisionId = "stale" }, Ct));
        Assert.Equal("1", (await _harness.Versions.GetAliasAsync(TestValues.Scope, "fn", "live", Ct)).FunctionVersion);
    }

    [Fact]
    public async Task UpdateAliasAsync_EmptyRouting_RemovesWeights()
    {
        await TwoVersionsAsync();
        await CreateAsync("live", "1", new() { ["2"] = 0.5 });

        var updated = await _harness.Versions.UpdateAliasAsync(TestValues.Scope, "fn", "live", new AliasChange { AdditionalVersionWeights = new Dictionary<string, double>() }, Ct);

        Assert.Null(updated.AdditionalVersionWeights);
    }

    [Fact]
    public async Task ListAliasesAsync_FilteredAndPaged()
    {
        await TwoVersionsAsync();
        await CreateAsync("a", "1");
        await CreateAsync("b", "2");
        await CreateAsync("c", "1");

        var ones = await _harness.Versions.ListAliasesAsync(TestValues.Scope, "fn", "1", null, null, Ct);
        var page = await _harness.Versions.ListAliasesAsync(TestValues.Scope, "fn", null, null, 2, Ct);
        var rest = await _harness.Versions.ListAliasesAsync(TestValues.Scope, "fn", null, page.NextMarker, 2, Ct);

        Assert.Equal(["a", "c"], ones.Aliases.Select(a => a.Name));
        Assert.Equal(["a", "b"], page.Aliases.Select(a => a.Name));
        Assert.Equal(["c"], rest.Aliases.Select(a => a.Name));
    }

    [Fact]
    public async Task DeleteAliasAsync_Missing_Succeeds()
    {
        await TwoVersionsAsync();

        await _harness.Versions.DeleteAliasAsync(TestValues.Scope, "fn", "nope", Ct);
    }
}
