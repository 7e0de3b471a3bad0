// SPDX-License-Identifier: Apache-2.0
using Nimbus.Core.Errors;
using Nimbus.Core.Functions;
using Nimbus.TestKit.Fakes;

namespace Nimbus.Core.Tests.Functions;

public sealed class FunctionServiceUpdateTests
{
    private const string InProgressMessage =
        "The operation cannot be performed at this time. An update is in progress for resource: arn:aws:lambda:us-east-1:123456789012:function:fn";

    private const string RevisionMessage =
        "The Revision Id provided does not match the latest Revision Id. Call the GetFunction/GetAlias API to retrieve the latest Revision Id";

    private readonly ServiceHarness _harness = new();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private Task<FunctionVersion> UpdateConfigAsync(FunctionChange change, string name = "fn") =>
        _harness.Service.UpdateConfigurationAsync(TestValues.Scope, name, change, Ct);

    private Task<FunctionVersion> UpdateCodeAsync(byte[] zip, string? revisionId = null, bool dryRun = false) =>
        _harness.Service.UpdateCodeAsync(TestValues.Scope, "fn", ServiceHarness.Upload(zip), null, revisionId, dryRun, publish: false, Ct);

    [Fact]
    public async Task UpdateConfigurationAsync_Active_ReturnsInProgressWithCreatingReason()
    {
        var active = await _harness.CreateActiveAsync("fn");
        _harness.Time.Advance(TimeSpan.FromMinutes(5));

        var updated = await UpdateConfigAsync(new FunctionChange { MemorySize = 256 });

        Assert.Equal(FunctionStates.Active, updated.State);
        Assert.Equal(FunctionStates.InProgress, updated.LastUpdateStatus);
        Assert.Equal("The function is being created.", updated.LastUpdateStatusReason);
        Assert.Equal(FunctionStates.Creating, updated.LastUpdateStatusReasonCode);
        Assert.NotEqual(active.RevisionId, updated.RevisionId);
        Assert.Equal(ServiceHarness.Start.AddMinutes(5), updated.LastModified);
        Assert.Equal(updated, await _harness.LatestAsync("fn"));
    }

    [Fact]
    public async Task UpdateConfigurationAsync_WhileInProgress_ThrowsConflict()
    {
        await _harness.CreateActiveAsync("fn");
        await UpdateConfigAsync(new FunctionChange { MemorySize = 256 });

        await LambdaAssert.ThrowsAsync(
            LambdaErrors.ResourceConflictType, 409, InProgressMessage, () => UpdateConfigAsync(new FunctionChange { MemorySize = 512 }));
    }

    [Fact]
    public async Task UpdateCodeAsync_WhileInProgress_ThrowsConflict()
    {
        await _harness.CreateActiveAsync("fn");
        await UpdateConfigAsync(new FunctionChange { MemorySize = 256 });

        await LambdaAssert.ThrowsAsync(
            LambdaErrors.ResourceConflictType, 409, InProgressMessage, () => UpdateCodeAsync(ServiceHarness.Zip("v2")));
    }

    [Fact]
    public async Task UpdateConfigurationAsync_WhilePending_ThrowsConflict()
    {
        await _harness.CreateAsync("fn");

        await LambdaAssert.ThrowsAsync(
            LambdaErrors.ResourceConflictType,
            409,
            "The operation cannot be performed at this time. The function is currently in the following state: Pending",
            () => UpdateConfigAsync(new FunctionChange { MemorySize = 256 }));
    }

    [Fact]
    public async Task UpdateConfigurationAsync_RevisionMismatch_ThrowsPreconditionFailed()
    {
        await _harness.CreateActiveAsync("fn");

        await LambdaAssert.ThrowsAsync(
            LambdaErrors.PreconditionFailedType,
            412,
            RevisionMessage,
            () => UpdateConfigAsync(new FunctionChange { MemorySize = 256, RevisionId = "00000000-0000-0000-0000-000000000000" }));
    }

    [Fact]
    public async Task UpdateCodeAsync_RevisionMismatch_ThrowsPreconditionFailed()
    {
        await _harness.CreateActiveAsync("fn");

        await LambdaAssert.ThrowsAsync(
            LambdaErrors.PreconditionFailedType, 412, RevisionMessage, () => UpdateCodeAsync(ServiceHarness.Zip("v2"), revisionId: "stale"));
    }

    [Fact]
    public async Task UpdateConfigurationAsync_MatchingRevision_Applies()
    {
        var active = await _harness.CreateActiveAsync("fn");

        var updated = await UpdateConfigAsync(new FunctionChange { Timeout = 30, RevisionId = active.RevisionId });

        Assert.Equal(30, updated.Timeout);
    }

    [Fact]
    public async Task UpdateConfigurationAsync_Missing_ThrowsNotFound() =>
        await LambdaAssert.ThrowsAsync(
            LambdaErrors.ResourceNotFoundType,
            404,
            "Function not found: arn:aws:lambda:us-east-1:123456789012:function:nope",
            () => UpdateConfigAsync(new FunctionChange { Timeout = 30 }, "nope"));

    [Fact]
    public async Task UpdateConfigurationAsync_SomeFields_ChangesOnlyThose()
    {
        await _harness.PublishLayerAsync("l");
        var active = await _harness.CreateActiveAsync("fn", TestValues.ValidCreate() with
        {
            Description = "first",
            Timeout = 10,
            Environment = new Dictionary<string, string> { ["A1"] = "x" },
            Layers = ["arn:aws:lambda:us-east-1:123456789012:layer:l:1"],
            TracingMode = "Active",
        });

        var updated = await UpdateConfigAsync(new FunctionChange { MemorySize = 256, Handler = "app.other" });

        Assert.Equal(256, updated.MemorySize);
        Assert.Equal("app.other", updated.Handler);
        Assert.Equal(active with
        {
            MemorySize = 256,
            Handler = "app.other",
            RevisionId = updated.RevisionId,
            LastModified = updated.LastModified,
            LastUpdateStatus = updated.LastUpdateStatus,
            LastUpdateStatusReason = updated.LastUpdateStatusReason,
            LastUpdateStatusReasonCode = updated.LastUpdateStatusReasonCode,
        }, updated);
    }

    [Fact]
    public async Task UpdateConfigurationAsync_EmptyDeadLetterTarget_RemovesIt()
    {
        await _harness.CreateActiveAsync("fn", TestValues.ValidCreate() with { DeadLetterTargetArn = "arn:aws:sqs:us-east-1:123456789012:dlq" });

        var updated = await UpdateConfigAsync(new FunctionChange { DeadLetterTargetArn = "" });

        Assert.Null(updated.DeadLetterTargetArn);
    }

    [Fact]
    public async Task UpdateConfigurationAsync_JsonLogFormat_FillsInfoLevels()
    {
        await _harness.CreateActiveAsync("fn");

        var updated = await UpdateConfigAsync(new FunctionChange { LogFormat = "JSON" });

        Assert.Equal(new LoggingSettings { LogFormat = "JSON", ApplicationLogLevel = "INFO", SystemLogLevel = "INFO", LogGroup = "/aws/lambda/fn" }, updated.Logging);
    }

    [Fact]
    public async Task UpdateConfigurationAsync_JsonWithOneLevel_KeepsItAndFillsOther()
    {
        await _harness.CreateActiveAsync("fn");

        var updated = await UpdateConfigAsync(new FunctionChange { LogFormat = "JSON", ApplicationLogLevel = "DEBUG" });

        Assert.Equal("DEBUG", updated.Logging.ApplicationLogLevel);
        Assert.Equal("INFO", updated.Logging.SystemLogLevel);
    }

    [Fact]
    public async Task UpdateConfigurationAsync_BackToText_DropsLevels()
    {
        await _harness.CreateActiveAsync("fn", TestValues.ValidCreate() with { LogFormat = "JSON", ApplicationLogLevel = "WARN" });

        var updated = await UpdateConfigAsync(new FunctionChange { LogFormat = "Text" });

        Assert.Equal(new LoggingSettings { LogFormat = "Text", LogGroup = "/aws/lambda/fn" }, updated.Logging);
    }

    [Fact]
    public async Task UpdateConfigurationAsync_LevelsOnTextFunction_ThrowsAndChangesNothing()
    {
        var active = await _harness.CreateActiveAsync("fn");

        var ex = await Assert.ThrowsAsync<LambdaException>(() => UpdateConfigAsync(new FunctionChange { SystemLogLevel = "WARN" }));

        Assert.Equal(LambdaErrors.InvalidParameterValueType, ex.ErrorType);
        Assert.Equal(active, await _harness.LatestAsync("fn"));
    }

    [Fact]
    public async Task UpdateConfigurationAsync_Rejected_StoreUnchanged()
    {
        await _harness.CreateActiveAsync("fn");
        var before = _harness.Store.Snapshot();
        var writes = _harness.Store.WriteCount;
        _harness.DrainSettling();

        await Assert.ThrowsAsync<LambdaException>(() => UpdateConfigAsync(new FunctionChange { MemorySize = 64, Runtime = "python3.12" }));
        await Assert.ThrowsAsync<LambdaException>(() => UpdateConfigAsync(new FunctionChange { Runtime = "cobol85" }));
        await Assert.ThrowsAsync<LambdaException>(
            () => UpdateConfigAsync(new FunctionChange { Environment = new Dictionary<string, string> { ["AWS_REGION"] = "x" } }));

        Assert.Equal(before, _harness.Store.Snapshot());
        Assert.Equal(writes, _harness.Store.WriteCount);
        Assert.Empty(_harness.DrainSettling());
    }

    [Fact]
    public async Task UpdateCodeAsync_NewZip_StoresCodeAndQueuesSettle()
    {
        await _harness.CreateActiveAsync("fn");
        _harness.DrainSettling();
        var zip = ServiceHarness.Zip("v2");

        var updated = await UpdateCodeAsync(zip);

        Assert.Equal(InMemoryCodeStore.HashOf(zip), updated.CodeSha256);
        Assert.Equal(zip.Length, updated.CodeSize);
        Assert.Equal(FunctionStates.InProgress, updated.LastUpdateStatus);
        Assert.Contains(updated.CodeSha256, _harness.Code.StoredHashes);
        Assert.Equal([new FunctionKey(TestValues.Scope, "fn")], _harness.DrainSettling());
    }

    [Fact]
    public async Task UpdateCodeAsync_Architectures_Applied()
    {
        await _harness.CreateActiveAsync("fn");

        var updated = await _harness.Service.UpdateCodeAsync(
            TestValues.Scope, "fn", ServiceHarness.Upload(ServiceHarness.Zip("v2")), ["arm64"], null, dryRun: false, publish: false, Ct);

        Assert.Equal(["arm64"], updated.Architectures);
    }

    [Fact]
    public async Task UpdateCodeAsync_BadArchitecture_ThrowsValidation()
    {
        await _harness.CreateActiveAsync("fn");

        await LambdaAssert.ThrowsAsync(
            LambdaErrors.ValidationType,
            400,
            "1 validation error detected: Value '[x86_64, arm64]' at 'architectures' failed to satisfy constraint: Member must have length less than or equal to 1",
            () => _harness.Service.UpdateCodeAsync(
                TestValues.Scope, "fn", ServiceHarness.Upload(ServiceHarness.Zip("v2")), ["x86_64", "arm64"], null, dryRun: false, publish: false, Ct));
    }

    [Fact]
    public async Task UpdateCodeAsync_DryRun_StoresNothing()
    {
        var active = await _harness.CreateActiveAsync("fn");
        var storedBefore = _harness.Code.StoreCount;
        var writes = _harness.Store.WriteCount;
        _harness.DrainSettling();
        var zip = ServiceHarness.Zip("v2");

        await UpdateCodeAsync(zip, dryRun: true);

        Assert.DoesNotContain(InMemoryCodeStore.HashOf(zip), _harness.Code.StoredHashes);
        Assert.Equal(storedBefore, _harness.Code.StoreCount);
        Assert.Equal(writes, _harness.Store.WriteCount);
        Assert.Equal(active, await _harness.LatestAsync("fn"));
        Assert.Empty(_harness.DrainSettling());
    }

    [Fact]
    public async Task UpdateCodeAsync_NotAZip_ThrowsAndChangesNothing()
    {
        var active = await _harness.CreateActiveAsync("fn");

        await LambdaAssert.ThrowsAsync(
            LambdaErrors.InvalidParameterValueType,
            400,
            "Could not unzip uploaded file. Please check your file, then try to upload again.",
            () => UpdateCodeAsync([0x50, 0x4B, 0, 0]));

        Assert.Equal(active, await _harness.LatestAsync("fn"));
    }
}
