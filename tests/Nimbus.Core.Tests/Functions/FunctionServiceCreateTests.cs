// SPDX-License-Identifier: Apache-2.0
using Nimbus.Core.Errors;
using Nimbus.Core.Functions;
using Nimbus.TestKit.Fakes;

namespace Nimbus.Core.Tests.Functions;

public sealed class FunctionServiceCreateTests
{
    private readonly ServiceHarness _harness = new();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task CreateAsync_ValidRequest_ReturnsPendingCreating()
    {
        var version = await _harness.CreateAsync("fn");

        Assert.Equal(FunctionStates.Pending, version.State);
        Assert.Equal("The function is being created.", version.StateReason);
        Assert.Equal(FunctionStates.Creating, version.StateReasonCode);
        Assert.Null(version.LastUpdateStatus);
        Assert.Null(version.LastUpdateStatusReason);
        Assert.Null(version.LastUpdateStatusReasonCode);
    }

    [Fact]
    public async Task CreateAsync_ValidRequest_StoresRecordWithDefaultsAndCode()
    {
        // A fixed zip (app.py of PythonEcho("v1"), dated 1980-01-01) whose SHA-256 was computed with sha256sum.
        var zip = Convert.FromBase64String(
            "UEsDBBQAAAAAAAAAIQAcgVQWWgAAAFoAAAAGAAAAYXBwLnB5TUFSS0VSID0gJ3YxJwoKZGVmIGhhbmRsZXIoZXZlbnQsIGNvbnRleHQpOgogICAgcmV0dXJuIHsnbWFya2VyJzogTUFSS0VSLCAnZXZlbnQnOiBldmVudH0KUEsBAhQDFAAAAAAAAAAhAByBVBZaAAAAWgAAAAYAAAAAAAAAAAAAAKSBAAAAAGFwcC5weVBLBQYAAAAAAQABADQAAAB+AAAAAAA=");

        var version = await _harness.CreateAsync("fn", zip: zip);

        var stored = await _harness.LatestAsync("fn");
        Assert.Equal(version, stored);
        Assert.Equal("GFKCf+PQpKfgej8ELPerk9Jp3SkBQufDqYS8t/7XjTY=", stored.CodeSha256);
        Assert.Equal(zip.Length, stored.CodeSize);
        Assert.Equal(ServiceHarness.Start, stored.LastModified);
        Assert.Equal(3, stored.Timeout);
        Assert.Equal(128, stored.MemorySize);
        Assert.Equal(512, stored.EphemeralStorageSize);
        Assert.Equal(["x86_64"], stored.Architectures);
        Assert.Equal("Text", stored.Logging.LogFormat);
        Assert.Equal("/aws/lambda/fn", stored.Logging.LogGroup);
        Assert.Null(stored.Environment);
        Assert.Equal(FunctionVersion.Latest, stored.Version);
        Assert.Contains(stored.CodeSha256, _harness.Code.StoredHashes);
    }

    [Fact]
    public async Task CreateAsync_ValidRequest_QueuesSettle()
    {
        await _harness.CreateAsync("fn");

        Assert.Equal([new FunctionKey(TestValues.Scope, "fn")], _harness.DrainSettling());
    }

    [Fact]
    public async Task CreateAsync_ByArn_StoresPlainName()
    {
        await _harness.Service.CreateAsync(
            TestValues.Scope, TestValues.Arn("by-arn"), TestValues.ValidCreate(), ServiceHarness.Upload(ServiceHarness.Zip()), null, publish: false, Ct);

        Assert.Equal("by-arn", (await _harness.LatestAsync("by-arn")).Name);
    }

    [Fact]
    public async Task CreateAsync_ExistingName_ThrowsConflict()
    {
        await _harness.CreateAsync("fn");

        await LambdaAssert.ThrowsAsync(LambdaErrors.ResourceConflictType, 409, "Function already exist: fn", () => _harness.CreateAsync("fn"));
    }

    [Fact]
    public async Task CreateAsync_CodeSigningConfig_ThrowsNotFoundAndStoresNothing()
    {
        const string arn = "arn:aws:lambda:us-east-1:000000000000:code-signing-config:csc-0123456789abcdef0";

        await LambdaAssert.ThrowsAsync(
            "CodeSigningConfigNotFoundException",
            404,
            $"Code signing configuration not found: {arn}",
            () => _harness.CreateAsync("fn", TestValues.ValidCreate() with { CodeSigningConfigArn = arn }));

        Assert.Empty(_harness.Store.Snapshot());
    }

    [Fact]
    public async Task CreateAsync_CodeSigningConfigNotAnArn_ThrowsValidationFirst() =>
        await LambdaAssert.ThrowsAsync(
            LambdaErrors.ValidationType,
            400,
            "1 validation error detected: Value 'bogus' at 'codeSigningConfigArn' failed to satisfy constraint: Member must satisfy regular expression pattern: arn:(aws[a-zA-Z-]*)?:lambda:(eusc-)?[a-z]{2}((-gov)|(-iso([a-z]?)))?-[a-z]+-\\d{1}:\\d{12}:code-signing-config:csc-[a-z0-9]{17}",
            () => _harness.CreateAsync("fn", TestValues.ValidCreate() with { CodeSigningConfigArn = "bogus" }));

    [Fact]
    public async Task CreateAsync_ExistingNameWithCodeSigningConfig_ThrowsConflictFirst()
    {
        await _harness.CreateAsync("fn");

        await LambdaAssert.ThrowsAsync(
            LambdaErrors.ResourceConflictType,
            409,
            "Function already exist: fn",
            () => _harness.CreateAsync("fn", TestValues.ValidCreate() with { CodeSigningConfigArn = "arn:aws:lambda:us-east-1:000000000000:code-signing-config:csc-0123456789abcdef0" }));
    }

    [Fact]
    public async Task GetCodeSigningConfigAsync_Function_IsItsNameAndQualifiedIsRefused()
    {
        await _harness.CreateAsync("fn");

        Assert.Equal("fn", await _harness.Service.GetCodeSigningConfigAsync(TestValues.Scope, TestValues.Arn("fn"), Ct));
        await LambdaAssert.ThrowsAsync(
            LambdaErrors.InvalidParameterValueType,
            400,
            "This operation is permitted on Lambda functions only. Aliases and versions do not support this operation. Please specify either a function name or an unqualified function ARN.",
            () => _harness.Service.GetCodeSigningConfigAsync(TestValues.Scope, "fn:1", Ct));
        await LambdaAssert.ThrowsAsync(
            LambdaErrors.ResourceNotFoundType,
            404,
            $"Function not found: {TestValues.Arn("missing")}",
            () => _harness.Service.GetCodeSigningConfigAsync(TestValues.Scope, "missing", Ct));
    }

    [Fact]
    public async Task CreateAsync_InvalidRequest_ChangesNothing()
    {
        await Assert.ThrowsAsync<LambdaException>(() => _harness.CreateAsync("fn", TestValues.ValidCreate() with { MemorySize = 1 }));

        Assert.Empty(_harness.Store.Snapshot());
        Assert.Empty(_harness.Code.StoredHashes);
        Assert.Empty(_harness.DrainSettling());
    }

    [Fact]
    public async Task CreateAsync_NotAZip_ThrowsCouldNotUnzipAndStoresNothing()
    {
        await LambdaAssert.ThrowsAsync(
            LambdaErrors.InvalidParameterValueType,
            400,
            "Could not unzip uploaded file. Please check your file, then try to upload again.",
            () => _harness.CreateAsync("fn", zip: [1, 2, 3, 4]));

        Assert.Empty(_harness.Store.Snapshot());
    }

    [Fact]
    public async Task CreateAsync_WithoutCode_ThrowsValidationNotNull() =>
        await LambdaAssert.ThrowsAsync(
            LambdaErrors.ValidationType,
            400,
            "1 validation error detected: Value null at 'code' failed to satisfy constraint: Member must not be null",
            () => _harness.Service.CreateAsync(TestValues.Scope, "fn", TestValues.ValidCreate(), null, null, publish: false, Ct));

    [Fact]
    public async Task CreateAsync_EmptyCode_ThrowsProvideSource() =>
        await LambdaAssert.ThrowsAsync(
            LambdaErrors.InvalidParameterValueType,
            400,
            "Please provide a source for function code.",
            () => _harness.Service.CreateAsync(TestValues.Scope, "fn", TestValues.ValidCreate(), new CodeUpload(), null, publish: false, Ct));

    [Fact]
    public async Task CreateAsync_ZipOver50MB_ThrowsRequestEntityTooLarge() =>
        await LambdaAssert.ThrowsAsync(
            LambdaErrors.RequestEntityTooLargeType,
            413,
            "Zipped size must be smaller than 52428800 bytes",
            () => _harness.CreateAsync("fn", zip: new byte[(50 * 1024 * 1024) + 1]));

    [Fact]
    public async Task CreateAsync_51Tags_ThrowsTagLimit()
    {
        var tags = Enumerable.Range(0, 51).ToDictionary(i => $"k{i}", i => "v");

        await LambdaAssert.ThrowsAsync(
            LambdaErrors.InvalidParameterValueType,
            400,
            "Number of tags exceeds resource tag limit.",
            () => _harness.CreateAsync("fn", tags: tags));

        Assert.Empty(_harness.Store.Snapshot());
    }

    [Fact]
    public async Task CreateAsync_WithTags_StoresThem()
    {
        await _harness.CreateAsync("fn", tags: new Dictionary<string, string> { ["team"] = "core" });

        var record = await _harness.Store.GetFunctionAsync(TestValues.Scope, "fn", Ct);
        Assert.NotNull(record);
        Assert.Equal(new Dictionary<string, string> { ["team"] = "core" }, record.Tags);
    }

    [Fact]
    public async Task CreateAsync_JsonLogFormat_FillsInfoLevels()
    {
        var version = await _harness.CreateAsync("fn", TestValues.ValidCreate() with { LogFormat = "JSON" });

        Assert.Equal("JSON", version.Logging.LogFormat);
        Assert.Equal("INFO", version.Logging.ApplicationLogLevel);
        Assert.Equal("INFO", version.Logging.SystemLogLevel);
    }

    [Fact]
    public async Task CreateAsync_LevelsWithTextFormat_ThrowsAndStoresNoFunction()
    {
        var ex = await Assert.ThrowsAsync<LambdaException>(
            () => _harness.CreateAsync("fn", TestValues.ValidCreate() with { ApplicationLogLevel = "DEBUG" }));

        Assert.Equal(LambdaErrors.InvalidParameterValueType, ex.ErrorType);
        Assert.Empty(_harness.Store.Snapshot());
    }

    [Fact]
    public async Task CreateAsync_LevelsWithTextFormat_StoresNoCode()
    {
        await Assert.ThrowsAsync<LambdaException>(
            () => _harness.CreateAsync("fn", TestValues.ValidCreate() with { ApplicationLogLevel = "DEBUG" }));

        Assert.Empty(_harness.Code.StoredHashes);
    }

    [Fact]
    public async Task GetAsync_Missing_ThrowsNotFoundWithUnqualifiedArn() =>
        await LambdaAssert.ThrowsAsync(
            LambdaErrors.ResourceNotFoundType,
            404,
            "Function not found: arn:aws:lambda:us-east-1:123456789012:function:nope",
            () => _harness.Service.GetAsync(TestValues.Scope, "nope", null, Ct));

    [Fact]
    public async Task GetAsync_MissingWithLatestQualifier_ThrowsNotFoundWithQualifiedArn() =>
        await LambdaAssert.ThrowsAsync(
            LambdaErrors.ResourceNotFoundType,
            404,
            "Function not found: arn:aws:lambda:us-east-1:123456789012:function:some-function:$LATEST",
            () => _harness.Service.GetAsync(TestValues.Scope, TestValues.Arn("some-function:$LATEST"), "$LATEST", Ct));

    [Fact]
    public async Task GetAsync_NameOf65Chars_ThrowsNotFound()
    {
        var name = new string('a', 65);

        await LambdaAssert.ThrowsAsync(
            LambdaErrors.ResourceNotFoundType,
            404,
            $"Function not found: arn:aws:lambda:us-east-1:123456789012:function:{name}",
            () => _harness.Service.GetAsync(TestValues.Scope, name, null, Ct));
    }

    [Fact]
    public async Task GetAsync_MissingVersionOfExistingFunction_ThrowsNotFoundWithQualifiedArn()
    {
        await _harness.CreateAsync("fn");

        await LambdaAssert.ThrowsAsync(
            LambdaErrors.ResourceNotFoundType,
            404,
            "Function not found: arn:aws:lambda:us-east-1:123456789012:function:fn:1221",
            () => _harness.Service.GetAsync(TestValues.Scope, "fn", "1221", Ct));
    }

    [Fact]
    public async Task GetAsync_Existing_ReturnsRecord()
    {
        await _harness.CreateAsync("fn");

        var record = await _harness.Service.GetAsync(TestValues.Scope, "fn", "$LATEST", Ct);

        Assert.Equal("fn", record.Record.Name);
        Assert.Equal(TestValues.Arn("fn"), record.Record.Arn);
        Assert.Equal("$LATEST", record.Version.Version);
    }

    [Fact]
    public async Task GetAsync_OtherScope_ThrowsNotFound()
    {
        await _harness.CreateAsync("fn");

        await Assert.ThrowsAsync<LambdaException>(
            () => _harness.Service.GetAsync(TestValues.OtherRegion, "fn", null, Ct));
    }
}
