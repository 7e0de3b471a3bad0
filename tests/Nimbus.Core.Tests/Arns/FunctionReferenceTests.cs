// SPDX-License-Identifier: Apache-2.0
using System.Text.RegularExpressions;
using Nimbus.Core.Arns;
using Nimbus.Core.Errors;

namespace Nimbus.Core.Tests.Arns;

public sealed class FunctionReferenceTests
{
    // The pattern AWS quotes for CreateFunction (aws-lambda-errors.md §1), copied from the snapshot, not from Patterns.
    private const string CreatePattern =
        @"(arn:(aws[a-zA-Z-]*)?:lambda:)?((eusc-)?[a-z]{2}((-gov)|(-iso([a-z]?)))?-[a-z]+-\d{1}:)?(\d{12}:)?(function:)?([a-zA-Z0-9-_]+)(:(\$LATEST|[a-zA-Z0-9-_]+))?";

    private const string GetPattern =
        @"(arn:(aws[a-zA-Z-]*)?:lambda:)?((eusc-)?[a-z]{2}((-gov)|(-iso([a-z]?)))?-[a-z]+-\d{1}:)?(\d{12}:)?(function:)?([a-zA-Z0-9-_\.]+)(:(\$LATEST(\.PUBLISHED)?|[a-zA-Z0-9-_]+))?";

    [Theory]
    [InlineData("invalid:function:name")]
    [InlineData("my-function!")]
    [InlineData("bad name!")]
    public void Parse_NameFailsPatternOnWrite_ThrowsValidationQuotingCreatePattern(string name) =>
        LambdaAssert.Validation(
            $"1 validation error detected: Value '{name}' at 'functionName' failed to satisfy constraint: Member must satisfy regular expression pattern: {CreatePattern}",
            () => FunctionReference.Parse(name, null, TestValues.Scope, forWrite: true));

    [Fact]
    public void Parse_NameFailsPatternOnRead_ThrowsValidationQuotingGetPattern() =>
        LambdaAssert.Validation(
            $"1 validation error detected: Value 'my-function!' at 'functionName' failed to satisfy constraint: Member must satisfy regular expression pattern: {GetPattern}",
            () => FunctionReference.Parse("my-function!", null, TestValues.Scope, forWrite: false));

    /// <summary>.NET's <c>$</c> also matches before a final newline; AWS's patterns match whole values.</summary>
    [Fact]
    public void Parse_NameEndingInANewline_ThrowsValidation() =>
        LambdaAssert.Validation(
            $"1 validation error detected: Value 'fn\n' at 'functionName' failed to satisfy constraint: Member must satisfy regular expression pattern: {GetPattern}",
            () => FunctionReference.Parse("fn\n", null, TestValues.Scope, forWrite: false));

    [Fact]
    public void Parse_DottedNameOnWrite_ThrowsValidation() =>
        LambdaAssert.Validation(
            $"1 validation error detected: Value 'my.function' at 'functionName' failed to satisfy constraint: Member must satisfy regular expression pattern: {CreatePattern}",
            () => FunctionReference.Parse("my.function", null, TestValues.Scope, forWrite: true));

    [Fact]
    public void Parse_DottedNameOnRead_Accepted()
    {
        var reference = FunctionReference.Parse("my.function", null, TestValues.Scope, forWrite: false);

        Assert.Equal("my.function", reference.Name);
    }

    [Fact]
    public void Parse_NameOf65CharsOnWrite_ThrowsInvalidParameterValueInValidationWording()
    {
        var name = new string('a', 65);

        LambdaAssert.InvalidParameter(
            $"1 validation error detected: Value '{name}' at 'functionName' failed to satisfy constraint: Member must have length less than or equal to 64",
            () => FunctionReference.Parse(name, null, TestValues.Scope, forWrite: true));
    }

    [Fact]
    public void Parse_NameOf64CharsOnWrite_Accepted()
    {
        var name = new string('a', 64);

        Assert.Equal(name, FunctionReference.Parse(name, null, TestValues.Scope, forWrite: true).Name);
    }

    [Fact]
    public void Parse_NameOf65CharsOnRead_Accepted()
    {
        var name = new string('a', 65);

        Assert.Equal(name, FunctionReference.Parse(name, null, TestValues.Scope, forWrite: false).Name);
    }

    [Fact]
    public void Parse_ArnLongerThan140OnWrite_ThrowsValidationLength()
    {
        var arn = TestValues.Arn(new string('a', 141 - TestValues.Arn("").Length));

        LambdaAssert.Validation(
            $"1 validation error detected: Value '{arn}' at 'functionName' failed to satisfy constraint: Member must have length less than or equal to 140",
            () => FunctionReference.Parse(arn, null, TestValues.Scope, forWrite: true));
    }

    [Fact]
    public void Parse_TooLongAndBadPattern_ReportsBothErrors()
    {
        var value = new string('a', 140) + "!";

        LambdaAssert.Validation(
            $"2 validation errors detected: Value '{value}' at 'functionName' failed to satisfy constraint: Member must have length less than or equal to 140; Value '{value}' at 'functionName' failed to satisfy constraint: Member must satisfy regular expression pattern: {CreatePattern}",
            () => FunctionReference.Parse(value, null, TestValues.Scope, forWrite: true));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Parse_ArnOfOtherRegion_ThrowsNotFound(bool forWrite) =>
        LambdaAssert.Throws(
            LambdaErrors.ResourceNotFoundType,
            404,
            "Functions from 'ap-southeast-1' are not reachable in this region ('us-east-1')",
            () => FunctionReference.Parse("arn:aws:lambda:ap-southeast-1:123456789012:function:fn", null, TestValues.Scope, forWrite));

    [Fact]
    public void Parse_ArnOfOtherAccount_ThrowsAccessDenied()
    {
        var ex = Assert.Throws<LambdaException>(
            () => FunctionReference.Parse("arn:aws:lambda:us-east-1:999999999999:function:fn", null, TestValues.Scope, forWrite: false));

        Assert.Equal("AccessDeniedException", ex.ErrorType);
        Assert.Equal(403, ex.StatusCode);
    }

    [Fact]
    public void Parse_DerivedQualifierDiffersFromParameter_ThrowsInvalidParameterValue() =>
        LambdaAssert.InvalidParameter(
            "The derived qualifier from the function name does not match the specified qualifier.",
            () => FunctionReference.Parse("arn:aws:lambda:us-east-1:123456789012:function:fn:1", "$LATEST", TestValues.Scope, forWrite: false));

    [Fact]
    public void Parse_DerivedQualifierEqualsParameter_UsesIt()
    {
        var reference = FunctionReference.Parse("fn:1", "1", TestValues.Scope, forWrite: false);

        Assert.Equal("1", reference.Qualifier);
        Assert.Equal(TestValues.Arn("fn:1"), reference.Arn);
        Assert.Equal(TestValues.Arn("fn"), reference.UnqualifiedArn);
    }

    [Theory]
    [InlineData("fn", null, null)]
    [InlineData("fn", "$LATEST", "$LATEST")]
    [InlineData("fn:$LATEST", null, "$LATEST")]
    [InlineData("123456789012:function:fn", null, null)]
    [InlineData("arn:aws:lambda:us-east-1:123456789012:function:fn:prod", null, "prod")]
    public void Parse_NameForms_GiveNameAndQualifier(string value, string? qualifier, string? expectedQualifier)
    {
        var reference = FunctionReference.Parse(value, qualifier, TestValues.Scope, forWrite: false);

        Assert.Equal("fn", reference.Name);
        Assert.Equal(expectedQualifier, reference.Qualifier);
        Assert.Equal(TestValues.Scope, reference.Scope);
    }

    [Fact]
    public void Parse_QualifierFailsPattern_ThrowsValidation() =>
        LambdaAssert.Validation(
            @"1 validation error detected: Value 'a!' at 'qualifier' failed to satisfy constraint: Member must satisfy regular expression pattern: \$(LATEST(\.PUBLISHED)?)|[a-zA-Z0-9-_$]+",
            () => FunctionReference.Parse("fn", "a!", TestValues.Scope, forWrite: false));

    [Fact]
    public void Parse_QualifierLongerThan128_ThrowsValidation()
    {
        var qualifier = new string('q', 129);

        LambdaAssert.Validation(
            $"1 validation error detected: Value '{qualifier}' at 'qualifier' failed to satisfy constraint: Member must have length less than or equal to 128",
            () => FunctionReference.Parse("fn", qualifier, TestValues.Scope, forWrite: false));
    }

    /// <summary>
    /// A fuzz pass over names without a colon (Parse answers those without its regex) and over ARN-shaped strings: a
    /// name without a colon parses to itself exactly when AWS's pattern, the length limits and the qualifier's pattern
    /// allow it, and is refused with Lambda's error otherwise; nothing else is ever thrown.
    /// </summary>
    [Fact]
    public void Parse_FuzzedNames_AgreeWithThePatternsAndThrowOnlyLambdaErrors()
    {
        var random = new Random(20261204);
        string[] pieces = ["fn", "a", "Z9", "-", "_", ".", ":", "$", "!", " ", "é", "arn:aws:lambda:", "us-east-1:", "eu-west-2:", "123456789012:", "111111111111:", "function:", "$LATEST", "\n"];
        string?[] qualifiers = [null, null, "", "$LATEST", "$LATEST.PUBLISHED", "1", "prod", "a.b", "a!", "$x", new string('q', 128), new string('q', 129)];
        for (var i = 0; i < 20_000; i++)
        {
            var value = string.Concat(Enumerable.Range(0, random.Next(0, 7)).Select(_ => pieces[random.Next(pieces.Length)]));
            if (random.Next(50) == 0)
            {
                value = new string('n', random.Next(60, 300));
            }

            var qualifier = qualifiers[random.Next(qualifiers.Length)];
            var forWrite = random.Next(2) == 0;
            FunctionReference? parsed = null;
            try
            {
                parsed = FunctionReference.Parse(value, qualifier, TestValues.Scope, forWrite, otherAccounts: random.Next(2) == 0);
            }
            catch (LambdaException)
            {
            }

            if (value.Contains(':', StringComparison.Ordinal))
            {
                continue;
            }

            var allowed = Regex.IsMatch(value, forWrite ? @"^[a-zA-Z0-9-_]+\z" : @"^[a-zA-Z0-9-_\.]+\z")
                && value.Length <= (forWrite ? 64 : 256)
                && (qualifier is null || (qualifier.Length is >= 1 and <= 128 && Regex.IsMatch(qualifier, @"^(\$(LATEST(\.PUBLISHED)?)|[a-zA-Z0-9-_$]+)\z")));
            Assert.True(allowed == parsed is not null, $"'{value}' qualifier '{qualifier}' forWrite {forWrite}: parsed {parsed is not null}");
            if (parsed is not null)
            {
                Assert.Equal((value, qualifier, TestValues.Scope), (parsed.Name, parsed.Qualifier, parsed.Scope));
            }
        }
    }
}
