// SPDX-License-Identifier: Apache-2.0
using Nimbus.Core.Errors;
using Nimbus.Core.Functions;

namespace Nimbus.Core.Tests.Functions;

public sealed class FunctionServiceListTests
{
    private readonly ServiceHarness _harness = new();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private Task<FunctionPage> ListAsync(string? marker = null, int? maxItems = null, string? functionVersion = null) =>
        _harness.Service.ListAsync(TestValues.Scope, functionVersion, marker, maxItems, Ct);

    private async Task CreateManyAsync(int count)
    {
        for (var i = 0; i < count; i++)
        {
            await _harness.CreateAsync($"fn-{i:D3}");
        }
    }

    [Fact]
    public async Task ListAsync_NoFunctions_EmptyWithoutMarker()
    {
        var page = await ListAsync();

        Assert.Empty(page.Functions);
        Assert.Null(page.NextMarker);
    }

    [Fact]
    public async Task ListAsync_MaxItems_PagesInNameOrderWithMarkers()
    {
        foreach (var name in new[] { "e", "c", "a", "d", "b" })
        {
            await _harness.CreateAsync(name);
        }

        var first = await ListAsync(maxItems: 2);
        var second = await ListAsync(first.NextMarker, 2);
        var third = await ListAsync(second.NextMarker, 2);

        Assert.Equal(["a", "b"], first.Functions.Select(f => f.Name));
        Assert.Equal(["c", "d"], second.Functions.Select(f => f.Name));
        Assert.Equal(["e"], third.Functions.Select(f => f.Name));
        Assert.NotNull(first.NextMarker);
        Assert.NotNull(second.NextMarker);
        Assert.Null(third.NextMarker);
    }

    [Fact]
    public async Task ListAsync_ExactlyMaxItemsLeft_NoMarker()
    {
        await CreateManyAsync(2);

        var page = await ListAsync(maxItems: 2);

        Assert.Equal(2, page.Functions.Count);
        Assert.Null(page.NextMarker);
    }

    [Fact]
    public async Task ListAsync_MaxItemsAbove50_CapsPageAt50()
    {
        await CreateManyAsync(55);

        var first = await ListAsync(maxItems: 100);
        var second = await ListAsync(first.NextMarker, 100);

        Assert.Equal(50, first.Functions.Count);
        Assert.NotNull(first.NextMarker);
        Assert.Equal(5, second.Functions.Count);
        Assert.Equal("fn-050", second.Functions[0].Name);
        Assert.Null(second.NextMarker);
    }

    [Fact]
    public async Task ListAsync_NoMaxItems_DefaultsTo50()
    {
        await CreateManyAsync(51);

        var page = await ListAsync();

        Assert.Equal(50, page.Functions.Count);
        Assert.NotNull(page.NextMarker);
    }

    [Fact]
    public async Task ListAsync_OtherScope_NotListed()
    {
        await _harness.CreateAsync("fn");

        var page = await _harness.Service.ListAsync(TestValues.OtherRegion, null, null, null, Ct);

        Assert.Empty(page.Functions);
    }

    [Fact]
    public async Task ListAsync_BadMarker_ThrowsInvalidParameterValue() =>
        await LambdaAssert.ThrowsAsync(LambdaErrors.InvalidParameterValueType, 400, "Invalid marker: !!!", () => ListAsync("!!!"));

    [Fact]
    public async Task ListAsync_EmptyMarker_StartsAtBeginning()
    {
        await CreateManyAsync(1);

        var page = await ListAsync("");

        Assert.Single(page.Functions);
    }

    [Fact]
    public async Task ListAsync_BadFunctionVersion_ThrowsValidationEnum() =>
        await LambdaAssert.ThrowsAsync(
            LambdaErrors.ValidationType,
            400,
            "1 validation error detected: Value 'invalid' at 'functionVersion' failed to satisfy constraint: Member must satisfy enum value set: [ALL]",
            () => ListAsync(functionVersion: "invalid"));

    [Fact]
    public async Task ListAsync_FunctionVersionAll_Lists()
    {
        await CreateManyAsync(1);

        var page = await ListAsync(functionVersion: "ALL");

        Assert.Single(page.Functions);
    }

    [Theory]
    [InlineData(0, "Member must have value greater than or equal to 1")]
    [InlineData(10001, "Member must have value less than or equal to 10000")]
    public async Task ListAsync_MaxItemsOutOfRange_ThrowsValidation(int maxItems, string constraint) =>
        await LambdaAssert.ThrowsAsync(
            LambdaErrors.ValidationType,
            400,
            $"1 validation error detected: Value '{maxItems}' at 'maxItems' failed to satisfy constraint: {constraint}",
            () => ListAsync(maxItems: maxItems));
}
