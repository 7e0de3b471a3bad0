// SPDX-License-Identifier: Apache-2.0
using Nimbus.Core.Functions;

namespace Nimbus.Core.Tests.Functions;

public sealed class FunctionServiceSettleTests
{
    private readonly ServiceHarness _harness = new();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task SettleAsync_AfterCreate_ActiveSuccessfulWithNewRevision()
    {
        var created = await _harness.CreateAsync("fn");

        await _harness.SettleAsync("fn");

        var settled = await _harness.LatestAsync("fn");
        Assert.Equal(FunctionStates.Active, settled.State);
        Assert.Null(settled.StateReason);
        Assert.Null(settled.StateReasonCode);
        Assert.Equal(FunctionStates.Successful, settled.LastUpdateStatus);
        Assert.Null(settled.LastUpdateStatusReason);
        Assert.Null(settled.LastUpdateStatusReasonCode);
        Assert.NotEqual(created.RevisionId, settled.RevisionId);
        Assert.False(settled.IsSettling);
    }

    [Fact]
    public async Task SettleAsync_CodeFailsToUnpack_FailedInvalidZipFile()
    {
        var zip = ServiceHarness.Zip("broken");
        _harness.Code.FailUnpack(TestKit.Fakes.InMemoryCodeStore.HashOf(zip));
        var created = await _harness.CreateAsync("fn", zip: zip);

        await _harness.SettleAsync("fn");

        var settled = await _harness.LatestAsync("fn");
        Assert.Equal(FunctionStates.Failed, settled.State);
        Assert.Equal("InvalidZipFileException", settled.StateReasonCode);
        Assert.Equal(FunctionStates.Failed, settled.LastUpdateStatus);
        Assert.Equal("InvalidZipFileException", settled.LastUpdateStatusReasonCode);
        Assert.NotNull(settled.StateReason);
        Assert.Equal(settled.StateReason, settled.LastUpdateStatusReason);
        Assert.NotEqual(created.RevisionId, settled.RevisionId);
    }

    [Fact]
    public async Task SettleAsync_UpdatedCodeFailsToUnpack_StaysActiveWithFailedUpdate()
    {
        await _harness.CreateActiveAsync("fn");
        var zip = ServiceHarness.Zip("broken");
        _harness.Code.FailUnpack(TestKit.Fakes.InMemoryCodeStore.HashOf(zip));
        await _harness.Service.UpdateCodeAsync(TestValues.Scope, "fn", ServiceHarness.Upload(zip), null, null, dryRun: false, publish: false, Ct);

        await _harness.SettleAsync("fn");

        var settled = await _harness.LatestAsync("fn");
        Assert.Equal(FunctionStates.Active, settled.State);
        Assert.Null(settled.StateReasonCode);
        Assert.Equal(FunctionStates.Failed, settled.LastUpdateStatus);
        Assert.Equal("InvalidZipFileException", settled.LastUpdateStatusReasonCode);
    }

    [Fact]
    public async Task SettleAsync_RuntimeNoLongerOnHost_FailedInvalidRuntime()
    {
        await _harness.CreateAsync("fn");
        _harness.Runtimes.Uninstall("python3.12");

        await _harness.SettleAsync("fn");

        var settled = await _harness.LatestAsync("fn");
        Assert.Equal(FunctionStates.Failed, settled.State);
        Assert.Equal(FunctionStates.InvalidRuntime, settled.StateReasonCode);
    }

    [Fact]
    public async Task SettleAsync_AlreadySettled_ChangesNothing()
    {
        var active = await _harness.CreateActiveAsync("fn");
        var writes = _harness.Store.WriteCount;

        await _harness.SettleAsync("fn");

        Assert.Equal(active, await _harness.LatestAsync("fn"));
        Assert.Equal(writes, _harness.Store.WriteCount);
    }

    [Fact]
    public async Task SettleAsync_MissingFunction_DoesNothing()
    {
        await _harness.SettleAsync("nope");

        Assert.Empty(_harness.Store.Snapshot());
    }

    [Fact]
    public async Task SettleAsync_AfterUpdate_SuccessfulAndReasonsCleared()
    {
        await _harness.CreateActiveAsync("fn");
        var updated = await _harness.Service.UpdateConfigurationAsync(TestValues.Scope, "fn", new FunctionChange { Timeout = 10 }, Ct);

        await _harness.SettleAsync("fn");

        var settled = await _harness.LatestAsync("fn");
        Assert.Equal(FunctionStates.Active, settled.State);
        Assert.Equal(FunctionStates.Successful, settled.LastUpdateStatus);
        Assert.Null(settled.LastUpdateStatusReason);
        Assert.Null(settled.LastUpdateStatusReasonCode);
        Assert.Equal(10, settled.Timeout);
        Assert.NotEqual(updated.RevisionId, settled.RevisionId);
    }

    [Fact]
    public async Task ResumeSettlingAsync_UnsettledFunctions_QueuesThem()
    {
        await _harness.CreateAsync("pending");
        await _harness.CreateActiveAsync("active");
        await _harness.CreateActiveAsync("updating");
        await _harness.Service.UpdateConfigurationAsync(TestValues.Scope, "updating", new FunctionChange { Timeout = 5 }, Ct);
        _harness.DrainSettling();

        await _harness.Service.ResumeSettlingAsync(Ct);

        var queued = _harness.DrainSettling().Select(key => key.Name).Order(StringComparer.Ordinal);
        Assert.Equal(["pending", "updating"], queued);
    }
}
