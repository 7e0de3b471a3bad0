// SPDX-License-Identifier: Apache-2.0
using Nimbus.Core.Validation;

namespace Nimbus.Core.Tests.Validation;

/// <summary>
/// Tag maps as the API reads them from JSON: a null value (<c>{"Tags": {"k": null}}</c>) is a client's error, never the
/// server's (the fuzz pass found it answered with a 500).
/// </summary>
public sealed class TagRulesTests
{
    [Fact]
    public void ValidateTagRequest_NullValue_IsAValidationError()
    {
        var tags = new Dictionary<string, string> { ["team"] = "core", ["k"] = null! };

        LambdaAssert.Validation(
            "1 validation error detected: Value null at 'tags.value' failed to satisfy constraint: Member must not be null",
            () => TagRules.ValidateTagRequest(tags));
    }

    [Fact]
    public void Validate_NullValueWithAnInvalidKey_NamesBoth()
    {
        var tags = new Dictionary<string, string> { [""] = null! };

        var ex = Assert.Throws<Nimbus.Core.Errors.LambdaException>(() => TagRules.Validate(tags, "tags"));

        Assert.StartsWith("2 validation errors detected: ", ex.Message, StringComparison.Ordinal);
        Assert.Contains("Value null at 'tags.value' failed to satisfy constraint: Member must not be null", ex.Message, StringComparison.Ordinal);
    }
}
