// SPDX-License-Identifier: Apache-2.0
using Nimbus.Core.Arns;
using Nimbus.Core.Errors;
using Nimbus.Core.Functions;

namespace Nimbus.Core.Tests.Functions;

/// <summary>SnapStart in the control plane: AWS's refusals, Pending until the snapshot is made, its failure, its deletion.</summary>
public sealed class FunctionServiceSnapStartTests
{
    private readonly RecordingSnapshots _snapshots = new();
    private readonly ServiceHarness _harness;

    public FunctionServiceSnapStartTests() => _harness = new ServiceHarness(snapshots: _snapshots);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static FunctionChange SnapStartOn => TestValues.ValidCreate() with { SnapStartApplyOn = SnapStart.PublishedVersions };

    [Theory]
    [InlineData("python3.12", true)]
    [InlineData("python3.13", true)]
    [InlineData("python3.11", false)]
    [InlineData("java11", true)]
    [InlineData("java21", true)]
    [InlineData("java8.al2", false)]
    [InlineData("dotnet8", true)]
    [InlineData("dotnet6", false)]
    [InlineData("nodejs22.x", false)]
    [InlineData("provided.al2023", false)]
    public void SupportsRuntime_AwsList(string runtime, bool supported) =>
        Assert.Equal(supported, SnapStart.SupportsRuntime(runtime));

    [Fact]
    public async Task CreateAsync_UnsupportedRuntime_InvalidParameterValue()
    {
        var error = await Assert.ThrowsAsync<LambdaException>(() => _harness.CreateAsync("fn", SnapStartOn with { Runtime = "nodejs22.x" }));

        Assert.Equal("InvalidParameterValueException", error.ErrorType);
        Assert.Equal("nodejs22.x is not supported for SnapStart enabled functions.", error.Message);
    }

    [Fact]
    public async Task CreateAsync_EphemeralStorageAbove512_InvalidParameterValue()
    {
        var error = await Assert.ThrowsAsync<LambdaException>(() => _harness.CreateAsync("fn", SnapStartOn with { EphemeralStorageSize = 513 }));

        Assert.Equal("InvalidParameterValueException", error.ErrorType);
    }

    [Fact]
    public async Task CreateAsync_UnknownApplyOn_ValidationException()
    {
        var error = await Assert.ThrowsAsync<LambdaException>(() => _harness.CreateAsync("fn", TestValues.ValidCreate() with { SnapStartApplyOn = "Always" }));

        Assert.Equal("ValidationException", error.ErrorType);
        Assert.Contains("at 'snapStart.applyOn' failed to satisfy constraint: Member must satisfy enum value set: [PublishedVersions, None]", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PublishVersionAsync_SnapStart_PendingUntilSnapshotThenActiveOn()
    {
        await _harness.CreateActiveAsync("fn", SnapStartOn);
        _harness.DrainSettling();

        var published = await _harness.Versions.PublishVersionAsync(TestValues.Scope, "fn", null, null, null, Ct);

        Assert.Equal((FunctionStates.Pending, FunctionStates.Creating), (published.State, published.StateReasonCode));
        Assert.Equal(SnapStart.Off, SnapStart.OptimizationStatus(published));
        Assert.Single(_harness.DrainSettling());
        await _harness.SettleAsync("fn");
        var settled = await _harness.Store.GetVersionAsync(TestValues.Scope, "fn", 1, Ct);
        Assert.Equal(FunctionStates.Active, settled!.State);
        Assert.Equal(SnapStart.On, SnapStart.OptimizationStatus(settled));
        Assert.Equal(["fn:1"], _snapshots.Created);
        Assert.Equal(SnapStart.Off, SnapStart.OptimizationStatus(await _harness.LatestAsync("fn")));
    }

    [Fact]
    public async Task SettleAsync_SnapshotFails_VersionFailedWithItsReason()
    {
        await _harness.CreateActiveAsync("fn", SnapStartOn);
        _snapshots.Failure = ("FunctionError", "RuntimeError: init failed");
        await _harness.Versions.PublishVersionAsync(TestValues.Scope, "fn", null, null, null, Ct);

        await _harness.SettleAsync("fn");

        var settled = await _harness.Store.GetVersionAsync(TestValues.Scope, "fn", 1, Ct);
        Assert.Equal((FunctionStates.Failed, "FunctionError", "RuntimeError: init failed"), (settled!.State, settled.StateReasonCode, settled.StateReason));
        Assert.Equal(SnapStart.Off, SnapStart.OptimizationStatus(settled));
    }

    [Fact]
    public async Task DeleteVersion_DropsItsSnapshot()
    {
        await _harness.CreateActiveAsync("fn", SnapStartOn);
        await _harness.Versions.PublishVersionAsync(TestValues.Scope, "fn", null, null, null, Ct);
        await _harness.SettleAsync("fn");

        await _harness.Service.DeleteAsync(TestValues.Scope, "fn", "1", Ct);

        Assert.Equal(["fn:1"], _snapshots.Deleted);
    }

    [Fact]
    public async Task PublishVersionAsync_WithoutSnapStart_ActiveAtOnceAndNoSnapshot()
    {
        await _harness.CreateActiveAsync("fn");

        var published = await _harness.Versions.PublishVersionAsync(TestValues.Scope, "fn", null, null, null, Ct);

        Assert.Equal(FunctionStates.Active, published.State);
        Assert.Equal(SnapStart.Off, SnapStart.OptimizationStatus(published));
        Assert.Empty(_snapshots.Created);
    }

    private sealed class RecordingSnapshots : ISnapshotBuilder
    {
        public List<string> Created { get; } = [];

        public List<string> Deleted { get; } = [];

        public (string Code, string Reason)? Failure { get; set; }

        public Task<(string Code, string Reason)?> CreateAsync(Scope scope, FunctionVersion version, CancellationToken cancellationToken)
        {
            Created.Add($"{version.Name}:{version.Version}");
            return Task.FromResult(Failure);
        }

        public void Delete(Scope scope, string functionName, string? version) => Deleted.Add($"{functionName}:{version}");
    }
}
