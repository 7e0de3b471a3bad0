// SPDX-License-Identifier: Apache-2.0
using Nimbus.Core.Arns;
using Nimbus.Core.Errors;
using Nimbus.Core.Functions;
using Nimbus.Core.Layers;
using Nimbus.Core.Tests.Functions;

namespace Nimbus.Core.Tests.Layers;

public sealed class FunctionServiceLayerTests
{
    private const string OtherAccount = "210987654321";
    private static readonly Scope s_other = new(OtherAccount, TestValues.Region);
    private readonly ServiceHarness _harness = new();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private Task<FunctionVersion> CreateWithLayersAsync(string name, params string[] layers) =>
        _harness.CreateAsync(name, TestValues.ValidCreate() with { Layers = layers });

    [Fact]
    public async Task CreateAsync_Layers_KeepsOrderSizesAndPackages()
    {
        var first = await _harness.PublishLayerAsync("first", "1");
        var second = await _harness.PublishLayerAsync("second", "2");

        var created = await CreateWithLayersAsync("fn", second.LayerVersionArn, first.LayerVersionArn);

        Assert.Equal(
            [
                new LayerReference(second.LayerVersionArn, second.CodeSize, second.CodeSha256, second.UnzippedCodeSize),
                new LayerReference(first.LayerVersionArn, first.CodeSize, first.CodeSha256, first.UnzippedCodeSize),
            ],
            created.Layers);
    }

    [Fact]
    public async Task CreateAsync_MissingLayerVersion_ThrowsInvalidParameterAndStoresNothing()
    {
        await _harness.PublishLayerAsync("l");
        const string missing = "arn:aws:lambda:us-east-1:123456789012:layer:l:2";

        await LambdaAssert.ThrowsAsync(
            LambdaErrors.InvalidParameterValueType,
            400,
            $"Layer version {missing} does not exist.",
            () => CreateWithLayersAsync("fn", missing));
        Assert.Empty(_harness.Store.Snapshot());
    }

    [Fact]
    public Task CreateAsync_LayerInOtherRegion_ThrowsRegionMessage() =>
        LambdaAssert.ThrowsAsync(
            LambdaErrors.InvalidParameterValueType,
            400,
            "Layers are not in the same region as the function. Layers are expected to be in region us-east-1.",
            () => CreateWithLayersAsync("fn", "arn:aws:lambda:eu-west-1:123456789012:layer:l:1"));

    [Fact]
    public async Task CreateAsync_OtherAccountsLayer_NeedsItsPermission()
    {
        var theirs = await _harness.PublishLayerAsync("theirs", scope: s_other);

        var denied = await Assert.ThrowsAsync<LambdaException>(() => CreateWithLayersAsync("fn", theirs.LayerVersionArn));
        Assert.Equal("AccessDeniedException", denied.ErrorType);
        Assert.Equal(403, denied.StatusCode);

        await _harness.LayerService.AddPermissionAsync(s_other, "theirs", 1, new LayerStatement("all", "lambda:GetLayerVersion", "*", null), null, Ct);
        var created = await CreateWithLayersAsync("fn", theirs.LayerVersionArn);
        Assert.Equal(theirs.LayerVersionArn, Assert.Single(created.Layers).Arn);
    }

    [Fact]
    public async Task CreateAsync_OrganizationOnlyGrant_DoesNotShare()
    {
        var theirs = await _harness.PublishLayerAsync("theirs", scope: s_other);
        await _harness.LayerService.AddPermissionAsync(s_other, "theirs", 1, new LayerStatement("org", "lambda:GetLayerVersion", "*", "o-abcdefghij"), null, Ct);

        var denied = await Assert.ThrowsAsync<LambdaException>(() => CreateWithLayersAsync("fn", theirs.LayerVersionArn));

        Assert.Equal("AccessDeniedException", denied.ErrorType);
    }

    [Fact]
    public async Task CreateAsync_CodeAndLayersOver250MB_ThrowsCombinedSize()
    {
        var big = await _harness.Layers.PublishLayerVersionAsync(
            new LayerVersion { Scope = TestValues.Scope, LayerName = "big", CodeSha256 = "big", CodeSize = 1, UnzippedCodeSize = LambdaQuotas.MaxUnzippedCode },
            Ct);
        var zip = ServiceHarness.Zip();
        var functionSize = _harness.Code.Inspect(zip).UnzippedSize;

        await LambdaAssert.ThrowsAsync(
            LambdaErrors.InvalidParameterValueType,
            400,
            $"Function code combined with layers exceeds the maximum allowed size of 262144000 bytes. The actual size is {LambdaQuotas.MaxUnzippedCode + functionSize} bytes.",
            () => _harness.CreateAsync("fn", TestValues.ValidCreate() with { Layers = [big.LayerVersionArn] }, zip));
        Assert.Empty(_harness.Code.StoredHashes);
    }

    [Fact]
    public async Task UpdateCodeAsync_NewCodeOverCombinedLimit_Throws()
    {
        var layer = await _harness.Layers.PublishLayerVersionAsync(
            new LayerVersion { Scope = TestValues.Scope, LayerName = "big", CodeSha256 = "big", CodeSize = 1, UnzippedCodeSize = LambdaQuotas.MaxUnzippedCode - 1 },
            Ct);
        await _harness.CreateActiveAsync("fn", TestValues.ValidCreate() with { Layers = [layer.LayerVersionArn] }, zip: [.. ZipOfSize(0)]);

        var error = await Assert.ThrowsAsync<LambdaException>(() =>
            _harness.Service.UpdateCodeAsync(TestValues.Scope, "fn", ServiceHarness.Upload(ZipOfSize(100)), null, null, dryRun: false, publish: false, Ct));

        Assert.StartsWith("Function code combined with layers exceeds the maximum allowed size of 262144000 bytes.", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DeletedLayerVersion_KeepsWorkingForItsFunction_UntilTheFunctionGoes()
    {
        var layer = await _harness.PublishLayerAsync("l", "layer-only");
        await _harness.CreateActiveAsync("fn", TestValues.ValidCreate() with { Layers = [layer.LayerVersionArn] });

        await _harness.LayerService.DeleteAsync(TestValues.Scope, "l", 1, Ct);
        Assert.DoesNotContain(layer.CodeSha256, _harness.Code.Deleted);

        // A configuration update that keeps the layers keeps the deleted version.
        var updated = await _harness.Service.UpdateConfigurationAsync(
            TestValues.Scope, "fn", new FunctionChange { Layers = [layer.LayerVersionArn], MemorySize = 256 }, Ct);
        Assert.Equal(layer.CodeSha256, Assert.Single(updated.Layers).CodeSha256);

        await _harness.SettleAsync("fn");
        await _harness.Service.DeleteAsync(TestValues.Scope, "fn", null, Ct);
        Assert.Contains(layer.CodeSha256, _harness.Code.Deleted);
    }

    [Fact]
    public async Task DeletedLayerVersion_NewFunctionsCannotUseIt()
    {
        var layer = await _harness.PublishLayerAsync("l");
        await _harness.CreateActiveAsync("fn", TestValues.ValidCreate() with { Layers = [layer.LayerVersionArn] });
        await _harness.LayerService.DeleteAsync(TestValues.Scope, "l", 1, Ct);

        await LambdaAssert.ThrowsAsync(
            LambdaErrors.InvalidParameterValueType,
            400,
            $"Layer version {layer.LayerVersionArn} does not exist.",
            () => CreateWithLayersAsync("other", layer.LayerVersionArn));
    }

    [Fact]
    public async Task DeleteFunction_CodeSharedWithLiveLayer_KeepsCode()
    {
        var zip = ServiceHarness.Zip("same");
        await _harness.LayerService.PublishAsync(TestValues.Scope, "l", new LayerPublish { Content = ServiceHarness.Upload(zip) }, Ct);
        await _harness.CreateActiveAsync("fn", zip: zip);

        await _harness.Service.DeleteAsync(TestValues.Scope, "fn", null, Ct);

        Assert.Empty(_harness.Code.Deleted);
    }

    private static byte[] ZipOfSize(int bytes) => Nimbus.TestKit.ZipBuilder.Create(("app.py", new string('x', bytes)));
}
