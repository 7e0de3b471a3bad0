// SPDX-License-Identifier: Apache-2.0
using Nimbus.Core.FunctionUrls;

namespace Nimbus.Core.Tests.FunctionUrls;

/// <summary>The botocore model's constraints on function URL requests, in AWS's validation wording.</summary>
public sealed class FunctionUrlValidatorTests
{
    [Theory]
    [InlineData("1")]
    [InlineData("$LATEST")]
    [InlineData("bad.alias")]
    public void CheckQualifier_NotAnAliasName_FailsThePattern(string qualifier) => LambdaAssert.Validation(
        $"1 validation error detected: Value '{qualifier}' at 'qualifier' failed to satisfy constraint: Member must satisfy regular expression pattern: ((?!^\\d+$)^[0-9a-zA-Z-_]+$)",
        () => FunctionUrlValidator.CheckQualifier(qualifier));

    [Theory]
    [InlineData("live")]
    [InlineData("v1-blue_2")]
    public void CheckQualifier_AliasName_Passes(string qualifier) => FunctionUrlValidator.CheckQualifier(qualifier);

    [Fact]
    public void Check_CreateWithoutAuthType_IsRequired() => LambdaAssert.Validation(
        "1 validation error detected: Value null at 'authType' failed to satisfy constraint: Member must not be null",
        () => FunctionUrlValidator.Check(new FunctionUrlChange(), requireAuthType: true));

    [Fact]
    public void Check_UpdateWithoutAuthType_Passes() => FunctionUrlValidator.Check(new FunctionUrlChange(), requireAuthType: false);

    [Fact]
    public void Check_UnknownEnums_ReportsBoth() => LambdaAssert.Validation(
        "2 validation errors detected: Value 'KEY' at 'authType' failed to satisfy constraint: Member must satisfy enum value set: [NONE, AWS_IAM]; "
        + "Value 'STREAM' at 'invokeMode' failed to satisfy constraint: Member must satisfy enum value set: [BUFFERED, RESPONSE_STREAM]",
        () => FunctionUrlValidator.Check(new FunctionUrlChange { AuthType = "KEY", InvokeMode = "STREAM" }, requireAuthType: true));

    [Fact]
    public void Check_MaxAgeOverADay_IsOutOfRange() => LambdaAssert.Validation(
        "1 validation error detected: Value '86401' at 'cors.maxAge' failed to satisfy constraint: Member must have value less than or equal to 86400",
        () => FunctionUrlValidator.Check(new FunctionUrlChange { AuthType = "NONE", Cors = new FunctionUrlCors { MaxAge = 86_401 } }, requireAuthType: true));

    [Fact]
    public void Check_MethodLongerThanSix_IsTooLong() => LambdaAssert.Validation(
        "1 validation error detected: Value 'CONNECT' at 'cors.allowMethods.1.member' failed to satisfy constraint: Member must have length less than or equal to 6",
        () => FunctionUrlValidator.Check(new FunctionUrlChange { AuthType = "NONE", Cors = new FunctionUrlCors { AllowMethods = ["CONNECT"] } }, requireAuthType: true));

    [Fact]
    public void Check_SevenMethods_IsTooMany() => LambdaAssert.Validation(
        "1 validation error detected: Value '[GET, PUT, POST, HEAD, PATCH, DELETE, *]' at 'cors.allowMethods' failed to satisfy constraint: Member must have length less than or equal to 6",
        () => FunctionUrlValidator.Check(
            new FunctionUrlChange { AuthType = "NONE", Cors = new FunctionUrlCors { AllowMethods = ["GET", "PUT", "POST", "HEAD", "PATCH", "DELETE", "*"] } },
            requireAuthType: true));

    [Fact]
    public void Check_EmptyOrigin_IsTooShort() => LambdaAssert.Validation(
        "1 validation error detected: Value '' at 'cors.allowOrigins.1.member' failed to satisfy constraint: Member must have length greater than or equal to 1",
        () => FunctionUrlValidator.Check(new FunctionUrlChange { AuthType = "NONE", Cors = new FunctionUrlCors { AllowOrigins = [""] } }, requireAuthType: true));

    [Fact]
    public void Check_EmptyThenNullOrigin_ReportedInIndexOrder() => LambdaAssert.Validation(
        "2 validation errors detected: Value '' at 'cors.allowOrigins.1.member' failed to satisfy constraint: Member must have length greater than or equal to 1; Value null at 'cors.allowOrigins.2.member' failed to satisfy constraint: Member must not be null",
        () => FunctionUrlValidator.Check(new FunctionUrlChange { AuthType = "NONE", Cors = new FunctionUrlCors { AllowOrigins = ["", null!] } }, requireAuthType: true));

    [Fact]
    public void Check_NullCorsMembers_AreRefusedByIndex() => LambdaAssert.Validation(
        "2 validation errors detected: Value null at 'cors.allowHeaders.1.member' failed to satisfy constraint: Member must not be null; Value null at 'cors.allowOrigins.2.member' failed to satisfy constraint: Member must not be null",
        () => FunctionUrlValidator.Check(
            new FunctionUrlChange { AuthType = "NONE", Cors = new FunctionUrlCors { AllowHeaders = [null!], AllowOrigins = ["https://a.example", null!] } },
            requireAuthType: true));
}
