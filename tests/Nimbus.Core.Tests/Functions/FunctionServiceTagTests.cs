// SPDX-License-Identifier: Apache-2.0
using Nimbus.Core.Errors;

namespace Nimbus.Core.Tests.Functions;

public sealed class FunctionServiceTagTests
{
    private const string TaggablePattern =
        @"arn:(aws[a-zA-Z-]*):lambda:(eusc-)?[a-z]{2}((-gov)|(-iso([a-z]?)))?-[a-z]+-\d{1}:\d{12}:(function:[a-zA-Z0-9-_]+(:(\$LATEST|[a-zA-Z0-9-_]+))?|layer:([a-zA-Z0-9-_]+)|code-signing-config:csc-[a-z0-9]{17}|event-source-mapping:[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}|capacity-provider:[a-zA-Z0-9-_]+)";

    private static readonly string s_arn = TestValues.Arn("fn");

    private readonly ServiceHarness _harness = new();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private Task TagAsync(IReadOnlyDictionary<string, string>? tags, string? arn = null) =>
        _harness.Service.TagAsync(TestValues.Scope, arn ?? s_arn, tags, Ct);

    private Task UntagAsync(IReadOnlyList<string>? keys, string? arn = null) =>
        _harness.Service.UntagAsync(TestValues.Scope, arn ?? s_arn, keys, Ct);

    private Task<IReadOnlyDictionary<string, string>> ListTagsAsync(string? arn = null) =>
        _harness.Service.ListTagsAsync(TestValues.Scope, arn ?? s_arn, Ct);

    [Fact]
    public async Task TagAsync_NewAndExistingKeys_Merges()
    {
        await _harness.CreateAsync("fn", tags: new Dictionary<string, string> { ["a"] = "1", ["keep"] = "k" });

        await TagAsync(new Dictionary<string, string> { ["a"] = "3", ["b"] = "2" });

        Assert.Equal(new Dictionary<string, string> { ["a"] = "3", ["b"] = "2", ["keep"] = "k" }, await ListTagsAsync());
    }

    [Fact]
    public async Task TagAsync_DoesNotChangeRevision()
    {
        var active = await _harness.CreateActiveAsync("fn");

        await TagAsync(new Dictionary<string, string> { ["a"] = "1" });

        Assert.Equal(active, await _harness.LatestAsync("fn"));
    }

    [Fact]
    public async Task TagAsync_Exceeds50InTotal_ThrowsAndKeepsTags()
    {
        var existing = Enumerable.Range(0, 50).ToDictionary(i => $"k{i}", i => "v");
        await _harness.CreateAsync("fn", tags: existing);

        await LambdaAssert.ThrowsAsync(
            LambdaErrors.InvalidParameterValueType,
            400,
            "Number of tags exceeds resource tag limit.",
            () => TagAsync(new Dictionary<string, string> { ["one-more"] = "v" }));

        Assert.Equal(existing, await ListTagsAsync());
    }

    [Fact]
    public async Task TagAsync_Exactly50AfterMerge_Accepted()
    {
        await _harness.CreateAsync("fn", tags: Enumerable.Range(0, 49).ToDictionary(i => $"k{i}", i => "v"));

        await TagAsync(new Dictionary<string, string> { ["k0"] = "overwritten", ["k49"] = "v" });

        Assert.Equal(50, (await ListTagsAsync()).Count);
    }

    [Fact]
    public async Task TagAsync_EmptyTags_ThrowsGenericInvalidParameter()
    {
        await _harness.CreateAsync("fn");

        await LambdaAssert.ThrowsAsync(
            LambdaErrors.InvalidParameterValueType,
            400,
            "An error occurred and the request cannot be processed.",
            () => TagAsync(new Dictionary<string, string>()));
    }

    [Fact]
    public async Task TagAsync_NullTags_ThrowsValidationNotNull() =>
        await LambdaAssert.ThrowsAsync(
            LambdaErrors.ValidationType,
            400,
            "1 validation error detected: Value null at 'tags' failed to satisfy constraint: Member must not be null",
            () => TagAsync(null));

    [Theory]
    [InlineData("arn:aws:lambda:us-east-1:123456789012:function:fn:1")]
    [InlineData("arn:aws:lambda:us-east-1:123456789012:function:fn:prod")]
    [InlineData("arn:aws:lambda:us-east-1:123456789012:function:fn:$LATEST")]
    public async Task TagOperations_QualifiedArn_ThrowsNotSupported(string arn)
    {
        await _harness.CreateAsync("fn");
        const string message = "Tags on function aliases and versions are not supported. Please specify a function ARN.";

        await LambdaAssert.ThrowsAsync(
            LambdaErrors.InvalidParameterValueType, 400, message, () => TagAsync(new Dictionary<string, string> { ["a"] = "1" }, arn));
        await LambdaAssert.ThrowsAsync(LambdaErrors.InvalidParameterValueType, 400, message, () => UntagAsync(["a"], arn));
        await LambdaAssert.ThrowsAsync(LambdaErrors.InvalidParameterValueType, 400, message, () => ListTagsAsync(arn));
    }

    [Theory]
    [InlineData("arn:aws:something")]
    [InlineData("arn:aws:lambda:us-east-1:123456789012:foobar:x")]
    [InlineData("fn")]
    public async Task ListTagsAsync_InvalidArn_ThrowsValidationQuotingPattern(string arn) =>
        await LambdaAssert.ThrowsAsync(
            LambdaErrors.ValidationType,
            400,
            $"1 validation error detected: Value '{arn}' at 'resource' failed to satisfy constraint: Member must satisfy regular expression pattern: {TaggablePattern}",
            () => ListTagsAsync(arn));

    [Fact]
    public async Task TagOperations_MissingFunction_ThrowNotFound()
    {
        const string message = "Function not found: arn:aws:lambda:us-east-1:123456789012:function:fn";

        await LambdaAssert.ThrowsAsync(
            LambdaErrors.ResourceNotFoundType, 404, message, () => TagAsync(new Dictionary<string, string> { ["a"] = "1" }));
        await LambdaAssert.ThrowsAsync(LambdaErrors.ResourceNotFoundType, 404, message, () => UntagAsync(["a"]));
        await LambdaAssert.ThrowsAsync(LambdaErrors.ResourceNotFoundType, 404, message, () => ListTagsAsync());
    }

    [Fact]
    public async Task ListTagsAsync_NoTags_Empty()
    {
        await _harness.CreateAsync("fn");

        Assert.Empty(await ListTagsAsync());
    }

    [Fact]
    public async Task UntagAsync_KeysPresentAndAbsent_RemovesPresentOnes()
    {
        await _harness.CreateAsync("fn", tags: new Dictionary<string, string> { ["a"] = "1", ["b"] = "2" });

        await UntagAsync(["a", "not-there"]);

        Assert.Equal(new Dictionary<string, string> { ["b"] = "2" }, await ListTagsAsync());
    }

    [Fact]
    public async Task UntagAsync_NullKeys_ThrowsValidationNotNull()
    {
        await _harness.CreateAsync("fn", tags: new Dictionary<string, string> { ["a"] = "1" });

        await LambdaAssert.ThrowsAsync(
            LambdaErrors.ValidationType,
            400,
            "1 validation error detected: Value null at 'tagKeys' failed to satisfy constraint: Member must not be null",
            () => UntagAsync(null));

        Assert.Equal(new Dictionary<string, string> { ["a"] = "1" }, await ListTagsAsync());
    }

    [Fact]
    public async Task TagAsync_KeyTooLong_ThrowsValidation()
    {
        await _harness.CreateAsync("fn");

        var ex = await Assert.ThrowsAsync<LambdaException>(() => TagAsync(new Dictionary<string, string> { [new string('k', 129)] = "v" }));

        Assert.Equal(LambdaErrors.ValidationType, ex.ErrorType);
        Assert.Empty(await ListTagsAsync());
    }
}
