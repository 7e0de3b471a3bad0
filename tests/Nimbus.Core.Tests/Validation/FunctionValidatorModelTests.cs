// SPDX-License-Identifier: Apache-2.0
using Nimbus.Core.Functions;
using Nimbus.Core.Validation;
using Nimbus.TestKit.Fakes;

namespace Nimbus.Core.Tests.Validation;

/// <summary>The model constraints: every violation in one ValidationException (aws-lambda-errors.md §4, §6, §7, §12).</summary>
public sealed class FunctionValidatorModelTests
{
    private const string RolePattern = @"arn:(aws[a-zA-Z-]*)?:iam::\d{12}:role/?[a-zA-Z_0-9+=,.@\-_/]+";

    private const string LayerPattern =
        @"(arn:(aws[a-zA-Z-]*)?:lambda:(eusc-)?[a-z]{2}((-gov)|(-iso([a-z]?)))?-[a-z]+-\d{1}:\d{12}:layer:[a-zA-Z0-9-_]+:[0-9]+)|(arn:[a-zA-Z0-9-]+:lambda:::awslayer:[a-zA-Z0-9-_]+)";

    private readonly FakeRuntimeRegistry _runtimes = FakeRuntimeRegistry.Default();

    [Theory]
    [InlineData(127, "Member must have value greater than or equal to 128")]
    [InlineData(10241, "Member must have value less than or equal to 10240")]
    [InlineData(5555555, "Member must have value less than or equal to 10240")]
    public void Validate_MemoryOutOfRange_ThrowsValidation(int memory, string constraint) =>
        LambdaAssert.Validation(
            $"1 validation error detected: Value '{memory}' at 'memorySize' failed to satisfy constraint: {constraint}",
            () => FunctionValidator.Validate(new FunctionChange { MemorySize = memory }, isCreate: false, _runtimes));

    [Theory]
    [InlineData(0, "Member must have value greater than or equal to 1")]
    [InlineData(901, "Member must have value less than or equal to 900")]
    [InlineData(3000, "Member must have value less than or equal to 900")]
    public void Validate_TimeoutOutOfRange_ThrowsValidation(int timeout, string constraint) =>
        LambdaAssert.Validation(
            $"1 validation error detected: Value '{timeout}' at 'timeout' failed to satisfy constraint: {constraint}",
            () => FunctionValidator.Validate(new FunctionChange { Timeout = timeout }, isCreate: false, _runtimes));

    [Theory]
    [InlineData(100, "Member must have value greater than or equal to 512")]
    [InlineData(511, "Member must have value greater than or equal to 512")]
    [InlineData(10241, "Member must have value less than or equal to 10240")]
    public void Validate_EphemeralStorageOutOfRange_ThrowsValidation(int size, string constraint) =>
        LambdaAssert.Validation(
            $"1 validation error detected: Value '{size}' at 'ephemeralStorage.size' failed to satisfy constraint: {constraint}",
            () => FunctionValidator.Validate(new FunctionChange { EphemeralStorageSize = size }, isCreate: false, _runtimes));

    [Theory]
    [InlineData(128, 1, 512)]
    [InlineData(10240, 900, 10240)]
    public void Validate_RangeBoundaries_Accepted(int memory, int timeout, int storage) =>
        FunctionValidator.Validate(
            new FunctionChange { MemorySize = memory, Timeout = timeout, EphemeralStorageSize = storage },
            isCreate: false,
            _runtimes);

    [Fact]
    public void Validate_TimeoutAndMemoryBothOutOfRange_ReportsBothJoinedBySemicolon() =>
        LambdaAssert.Validation(
            "2 validation errors detected: Value '0' at 'timeout' failed to satisfy constraint: Member must have value greater than or equal to 1; Value '64' at 'memorySize' failed to satisfy constraint: Member must have value greater than or equal to 128",
            () => FunctionValidator.Validate(new FunctionChange { Timeout = 0, MemorySize = 64 }, isCreate: false, _runtimes));

    [Fact]
    public void Validate_ThreeViolations_CountsThree()
    {
        var ex = Assert.Throws<Errors.LambdaException>(() => FunctionValidator.Validate(
            new FunctionChange { Timeout = 0, MemorySize = 64, EphemeralStorageSize = 1 },
            isCreate: false,
            _runtimes));

        Assert.StartsWith("3 validation errors detected: Value '0' at 'timeout'", ex.Message, StringComparison.Ordinal);
        Assert.EndsWith("Value '1' at 'ephemeralStorage.size' failed to satisfy constraint: Member must have value greater than or equal to 512", ex.Message, StringComparison.Ordinal);
        Assert.Equal(2, ex.Message.Split("; ").Length - 1);
    }

    [Fact]
    public void Validate_HandlerWithWhitespace_ThrowsValidation() =>
        LambdaAssert.Validation(
            @"1 validation error detected: Value 'a b' at 'handler' failed to satisfy constraint: Member must satisfy regular expression pattern: [^\s]+",
            () => FunctionValidator.Validate(new FunctionChange { Handler = "a b" }, isCreate: false, _runtimes));

    [Fact]
    public void Validate_HandlerLongerThan128_ThrowsValidation()
    {
        var handler = new string('h', 129);

        LambdaAssert.Validation(
            $"1 validation error detected: Value '{handler}' at 'handler' failed to satisfy constraint: Member must have length less than or equal to 128",
            () => FunctionValidator.Validate(new FunctionChange { Handler = handler }, isCreate: false, _runtimes));
    }

    [Fact]
    public void Validate_RoleFailsPattern_ThrowsValidation() =>
        LambdaAssert.Validation(
            $"1 validation error detected: Value 'r1' at 'role' failed to satisfy constraint: Member must satisfy regular expression pattern: {RolePattern}",
            () => FunctionValidator.Validate(new FunctionChange { Role = "r1" }, isCreate: false, _runtimes));

    [Fact]
    public void Validate_CreateWithoutRole_ThrowsValidationNotNull() =>
        LambdaAssert.Validation(
            "1 validation error detected: Value null at 'role' failed to satisfy constraint: Member must not be null",
            () => FunctionValidator.Validate(TestValues.ValidCreate() with { Role = null }, isCreate: true, _runtimes));

    [Fact]
    public void Validate_UpdateWithoutRole_Accepted() =>
        FunctionValidator.Validate(new FunctionChange { Description = "only this" }, isCreate: false, _runtimes);

    [Fact]
    public void Validate_DescriptionLongerThan256_ThrowsValidation()
    {
        var description = new string('d', 257);

        LambdaAssert.Validation(
            $"1 validation error detected: Value '{description}' at 'description' failed to satisfy constraint: Member must have length less than or equal to 256",
            () => FunctionValidator.Validate(new FunctionChange { Description = description }, isCreate: false, _runtimes));
    }

    [Fact]
    public void Validate_DescriptionOf256_Accepted() =>
        FunctionValidator.Validate(new FunctionChange { Description = new string('d', 256) }, isCreate: false, _runtimes);

    [Theory]
    [InlineData("1BAD")]
    [InlineData("A")]
    [InlineData("BAD-KEY")]
    public void Validate_EnvironmentKeyFailsPattern_ThrowsValidationWithoutValue(string key) =>
        LambdaAssert.Validation(
            "1 validation error detected: Value at 'environment.variables' failed to satisfy constraint: Map keys must satisfy constraint: [Member must satisfy regular expression pattern: [a-zA-Z]([a-zA-Z0-9_])+]",
            () => FunctionValidator.Validate(
                new FunctionChange { Environment = new Dictionary<string, string> { ["GOOD"] = "1", [key] = "2" } },
                isCreate: false,
                _runtimes));

    [Fact]
    public void Validate_EnvironmentValueNull_ThrowsValidationWithoutValue() =>
        LambdaAssert.Validation(
            "1 validation error detected: Value at 'environment.variables' failed to satisfy constraint: Map value must satisfy constraint: [Member must not be null]",
            () => FunctionValidator.Validate(
                new FunctionChange { Environment = new Dictionary<string, string> { ["GOOD"] = "1", ["AB"] = null! } },
                isCreate: false,
                _runtimes));

    [Fact]
    public void Validate_EnvironmentKeyOfTwoChars_Accepted() =>
        FunctionValidator.Validate(
            new FunctionChange { Environment = new Dictionary<string, string> { ["A1"] = "x" } },
            isCreate: false,
            _runtimes);

    [Fact]
    public void Validate_LayerWithoutVersion_ThrowsValidationQuotingList() =>
        LambdaAssert.Validation(
            $"1 validation error detected: Value '[arn:aws:lambda:us-east-1:111111111111:layer:good:1, arn:aws:lambda:us-east-1:111111111111:layer:NAME]' at 'layers' failed to satisfy constraint: Member must satisfy constraint: [Member must have length less than or equal to 2048, Member must have length greater than or equal to 1, Member must satisfy regular expression pattern: {LayerPattern}, Member must not be null]",
            () => FunctionValidator.Validate(
                new FunctionChange { Layers = ["arn:aws:lambda:us-east-1:111111111111:layer:good:1", "arn:aws:lambda:us-east-1:111111111111:layer:NAME"] },
                isCreate: false,
                _runtimes));

    [Fact]
    public void Validate_NullLayer_ThrowsValidationQuotingNull() =>
        LambdaAssert.Validation(
            $"1 validation error detected: Value '[arn:aws:lambda:us-east-1:111111111111:layer:good:1, null]' at 'layers' failed to satisfy constraint: Member must satisfy constraint: [Member must have length less than or equal to 2048, Member must have length greater than or equal to 1, Member must satisfy regular expression pattern: {LayerPattern}, Member must not be null]",
            () => FunctionValidator.Validate(
                new FunctionChange { Layers = ["arn:aws:lambda:us-east-1:111111111111:layer:good:1", null!] },
                isCreate: false,
                _runtimes));

    [Fact]
    public void Validate_NullArchitecture_ThrowsValidationQuotingNull() =>
        LambdaAssert.Validation(
            "1 validation error detected: Value '[null]' at 'architectures' failed to satisfy constraint: Member must satisfy constraint: [Member must satisfy enum value set: [x86_64, arm64], Member must not be null]",
            () => FunctionValidator.Validate(new FunctionChange { Architectures = [null!] }, isCreate: false, _runtimes));

    [Fact]
    public void Validate_NullImageConfigMembers_ThrowsValidationNamingEach() =>
        LambdaAssert.Validation(
            "2 validation errors detected: Value null at 'imageConfig.entryPoint.2.member' failed to satisfy constraint: Member must not be null; Value null at 'imageConfig.command.1.member' failed to satisfy constraint: Member must not be null",
            () => FunctionValidator.Validate(
                new FunctionChange { ImageConfig = new Core.Images.ImageConfigOverride { EntryPoint = ["/bin/sh", null!], Command = [null!] } },
                isCreate: false,
                _runtimes));

    [Fact]
    public void Validate_TwoArchitectures_ThrowsValidationLength() =>
        LambdaAssert.Validation(
            "1 validation error detected: Value '[x86_64, arm64]' at 'architectures' failed to satisfy constraint: Member must have length less than or equal to 1",
            () => FunctionValidator.Validate(new FunctionChange { Architectures = ["x86_64", "arm64"] }, isCreate: false, _runtimes));

    [Fact]
    public void Validate_NoArchitecture_ThrowsValidationLength() =>
        LambdaAssert.Validation(
            "1 validation error detected: Value '[]' at 'architectures' failed to satisfy constraint: Member must have length greater than or equal to 1",
            () => FunctionValidator.Validate(new FunctionChange { Architectures = [] }, isCreate: false, _runtimes));

    [Fact]
    public void Validate_UnknownArchitecture_ThrowsValidationEnum() =>
        LambdaAssert.Validation(
            "1 validation error detected: Value '[X86_64]' at 'architectures' failed to satisfy constraint: Member must satisfy constraint: [Member must satisfy enum value set: [x86_64, arm64], Member must not be null]",
            () => FunctionValidator.Validate(new FunctionChange { Architectures = ["X86_64"] }, isCreate: false, _runtimes));

    [Theory]
    [InlineData("x86_64")]
    [InlineData("arm64")]
    public void Validate_OneKnownArchitecture_Accepted(string architecture) =>
        FunctionValidator.Validate(new FunctionChange { Architectures = [architecture] }, isCreate: false, _runtimes);

    [Fact]
    public void Validate_UnknownLogFormat_ThrowsValidationEnum() =>
        LambdaAssert.Validation(
            "1 validation error detected: Value 'XML' at 'loggingConfig.logFormat' failed to satisfy constraint: Member must satisfy enum value set: [JSON, Text]",
            () => FunctionValidator.Validate(new FunctionChange { LogFormat = "XML" }, isCreate: false, _runtimes));

    [Fact]
    public void Validate_UnknownSystemLogLevel_ThrowsValidationEnum() =>
        LambdaAssert.Validation(
            "1 validation error detected: Value 'TRACE' at 'loggingConfig.systemLogLevel' failed to satisfy constraint: Member must satisfy enum value set: [DEBUG, INFO, WARN]",
            () => FunctionValidator.Validate(new FunctionChange { SystemLogLevel = "TRACE" }, isCreate: false, _runtimes));

    [Fact]
    public void Validate_ModelAndServiceViolations_ReportsModelFirst() =>
        LambdaAssert.Validation(
            "1 validation error detected: Value '0' at 'timeout' failed to satisfy constraint: Member must have value greater than or equal to 1",
            () => FunctionValidator.Validate(
                TestValues.ValidCreate() with { Timeout = 0, Runtime = "non-existent-runtime" },
                isCreate: true,
                _runtimes));
}
