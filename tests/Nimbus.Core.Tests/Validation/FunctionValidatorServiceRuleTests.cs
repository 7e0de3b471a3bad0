// SPDX-License-Identifier: Apache-2.0
using Nimbus.Core.Errors;
using Nimbus.Core.Functions;
using Nimbus.Core.Validation;
using Nimbus.TestKit.Fakes;

namespace Nimbus.Core.Tests.Validation;

/// <summary>The service's own rules: InvalidParameterValueException (aws-lambda-errors.md §5, §7, §12).</summary>
public sealed class FunctionValidatorServiceRuleTests
{
    private const string ReservedPrefix =
        "Lambda was unable to configure your environment variables because the environment variables you have provided contains reserved keys that are currently not supported for modification. Reserved keys used in this request: ";

    private const string TooLargePrefix =
        "Lambda was unable to configure your environment variables because the environment variables you have provided exceeded the 4KB limit. String measured: ";

    private readonly FakeRuntimeRegistry _runtimes = FakeRuntimeRegistry.Default();

    [Fact]
    public void Validate_ValidCreate_Accepted() =>
        FunctionValidator.Validate(TestValues.ValidCreate(), isCreate: true, _runtimes);

    [Fact]
    public void Validate_RuntimeNotOnHost_ListsRegistryRuntimes() =>
        LambdaAssert.InvalidParameter(
            "Value non-existent-runtime at 'runtime' failed to satisfy constraint: Member must satisfy enum value set: [python3.12, nodejs22.x, provided.al2023] or be a valid ARN",
            () => FunctionValidator.Validate(TestValues.ValidCreate() with { Runtime = "non-existent-runtime" }, isCreate: true, _runtimes));

    [Fact]
    public void Validate_ModelRuntimeNotOnHost_ListsRegistryRuntimes() =>
        LambdaAssert.InvalidParameter(
            "Value java21 at 'runtime' failed to satisfy constraint: Member must satisfy enum value set: [ruby3.4] or be a valid ARN",
            () => FunctionValidator.Validate(new FunctionChange { Runtime = "java21" }, isCreate: false, new FakeRuntimeRegistry("ruby3.4")));

    [Fact]
    public void Validate_BlockedRuntimeEvenIfInstalled_ThrowsNoLongerSupported() =>
        LambdaAssert.InvalidParameter(
            "The runtime parameter of python3.8 is no longer supported for creating or updating AWS Lambda functions. We recommend you use a supported runtime while creating or updating functions.",
            () => FunctionValidator.Validate(
                TestValues.ValidCreate() with { Runtime = "python3.8" },
                isCreate: true,
                new FakeRuntimeRegistry("python3.8", "python3.12")));

    [Theory]
    [InlineData(null, "app.handler")]
    [InlineData("python3.12", null)]
    [InlineData(null, null)]
    public void Validate_CreateWithoutRuntimeOrHandler_ThrowsMandatory(string? runtime, string? handler) =>
        LambdaAssert.InvalidParameter(
            "Runtime and Handler are mandatory parameters for functions created with deployment packages.",
            () => FunctionValidator.Validate(TestValues.ValidCreate() with { Runtime = runtime, Handler = handler }, isCreate: true, _runtimes));

    [Fact]
    public void Validate_UpdateWithoutRuntimeOrHandler_Accepted() =>
        FunctionValidator.Validate(new FunctionChange { MemorySize = 256 }, isCreate: false, _runtimes);

    [Fact]
    public void Validate_ReservedEnvironmentKey_ThrowsReservedKeys() =>
        LambdaAssert.InvalidParameter(
            ReservedPrefix + "AWS_REGION",
            () => FunctionValidator.Validate(
                new FunctionChange { Environment = new Dictionary<string, string> { ["MY_VAR"] = "1", ["AWS_REGION"] = "eu-west-1" } },
                isCreate: false,
                _runtimes));

    [Fact]
    public void Validate_SeveralReservedKeys_ListsThemInRequestOrder() =>
        LambdaAssert.InvalidParameter(
            ReservedPrefix + "AWS_REGION, AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY",
            () => FunctionValidator.Validate(
                new FunctionChange
                {
                    Environment = new Dictionary<string, string>
                    {
                        ["AWS_REGION"] = "a",
                        ["OK_KEY"] = "b",
                        ["AWS_ACCESS_KEY_ID"] = "c",
                        ["AWS_SECRET_ACCESS_KEY"] = "d",
                    },
                },
                isCreate: false,
                _runtimes));

    [Fact]
    public void Validate_EnvironmentOver4KB_QuotesCompactJsonMeasured()
    {
        // {"SMALL_VAR":"ok","LARGE_VAR":"x…"} is 33 bytes plus the value: 4097 bytes in all.
        var value = new string('x', 4097 - 33);
        var environment = new Dictionary<string, string> { ["SMALL_VAR"] = "ok", ["LARGE_VAR"] = value };

        LambdaAssert.InvalidParameter(
            TooLargePrefix + $"{{\"SMALL_VAR\":\"ok\",\"LARGE_VAR\":\"{value}\"}}",
            () => FunctionValidator.Validate(new FunctionChange { Environment = environment }, isCreate: false, _runtimes));
    }

    [Fact]
    public void Validate_EnvironmentOfExactly4096Bytes_Accepted()
    {
        var value = new string('x', 4096 - 33);
        var environment = new Dictionary<string, string> { ["SMALL_VAR"] = "ok", ["LARGE_VAR"] = value };

        FunctionValidator.Validate(new FunctionChange { Environment = environment }, isCreate: false, _runtimes);
    }

    [Fact]
    public void Validate_EnvironmentSizeInUtf8Bytes_CountsMultibyteCharacters()
    {
        // 2,100 characters but 4,200 bytes of UTF-8: over the limit although the string is short.
        var value = new string('é', 2100);

        var ex = Assert.Throws<LambdaException>(() => FunctionValidator.Validate(
            new FunctionChange { Environment = new Dictionary<string, string> { ["VAR"] = value } },
            isCreate: false,
            _runtimes));

        Assert.Equal(TooLargePrefix + $"{{\"VAR\":\"{value}\"}}", ex.Message);
    }

    [Fact]
    public void Validate_EnvironmentValueWithQuote_MeasuredEscaped()
    {
        var value = new string('x', 4090) + "\"";

        var ex = Assert.Throws<LambdaException>(() => FunctionValidator.Validate(
            new FunctionChange { Environment = new Dictionary<string, string> { ["VAR"] = value } },
            isCreate: false,
            _runtimes));

        Assert.EndsWith("x\\\"\"}", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_SixLayers_ThrowsMoreThanFive() =>
        LambdaAssert.InvalidParameter(
            "Cannot reference more than 5 layers.",
            () => FunctionValidator.Validate(
                new FunctionChange { Layers = [.. Enumerable.Range(1, 6).Select(i => $"arn:aws:lambda:us-east-1:123456789012:layer:l{i}:1")] },
                isCreate: false,
                _runtimes));

    [Fact]
    public void Validate_FiveLayers_Accepted() =>
        FunctionValidator.Validate(
            new FunctionChange { Layers = [.. Enumerable.Range(1, 5).Select(i => $"arn:aws:lambda:us-east-1:123456789012:layer:l{i}:1")] },
            isCreate: false,
            _runtimes);

    [Fact]
    public void Validate_TwoVersionsOfOneLayer_ThrowsNamingBoth() =>
        LambdaAssert.InvalidParameter(
            "Two different versions of the same layer are not allowed to be referenced in the same function. arn:aws:lambda:us-east-1:123456789012:layer:shared:1 and arn:aws:lambda:us-east-1:123456789012:layer:shared:2 are versions of the same layer.",
            () => FunctionValidator.Validate(
                new FunctionChange
                {
                    Layers =
                    [
                        "arn:aws:lambda:us-east-1:123456789012:layer:shared:1",
                        "arn:aws:lambda:us-east-1:123456789012:layer:other:1",
                        "arn:aws:lambda:us-east-1:123456789012:layer:shared:2",
                    ],
                },
                isCreate: false,
                _runtimes));

    [Fact]
    public void CheckLogLevels_LevelsWithTextFormat_ThrowsInvalidParameterValue()
    {
        var ex = Assert.Throws<LambdaException>(() => FunctionValidator.CheckLogLevels(
            new LoggingSettings { LogFormat = "Text", LogGroup = "/aws/lambda/fn" },
            new FunctionChange { ApplicationLogLevel = "DEBUG" }));

        Assert.Equal(LambdaErrors.InvalidParameterValueType, ex.ErrorType);
        Assert.Equal(400, ex.StatusCode);
    }

    [Fact]
    public void CheckLogLevels_LevelsWithJsonFormat_Accepted() =>
        FunctionValidator.CheckLogLevels(
            new LoggingSettings { LogFormat = "JSON", LogGroup = "/aws/lambda/fn" },
            new FunctionChange { ApplicationLogLevel = "DEBUG", SystemLogLevel = "WARN" });

    [Fact]
    public void CheckLogLevels_TextWithoutLevels_Accepted() =>
        FunctionValidator.CheckLogLevels(
            new LoggingSettings { LogFormat = "Text", LogGroup = "/aws/lambda/fn" },
            new FunctionChange { LogFormat = "Text" });

    [Fact]
    public void Validate_ImagePackage_ThrowsInvalidParameterValue()
    {
        var ex = Assert.Throws<LambdaException>(() => FunctionValidator.Validate(
            TestValues.ValidCreate() with { PackageType = "Image" },
            isCreate: true,
            _runtimes));

        Assert.Equal(LambdaErrors.InvalidParameterValueType, ex.ErrorType);
    }
}
