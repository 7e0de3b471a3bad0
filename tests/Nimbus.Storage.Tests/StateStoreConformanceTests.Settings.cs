// SPDX-License-Identifier: Apache-2.0
using Nimbus.Core.Functions;
using Nimbus.Core.Mappings;
using static Nimbus.Storage.Tests.TestFunctions;

namespace Nimbus.Storage.Tests;

public abstract partial class StateStoreConformanceTests
{
    private static readonly DateTimeOffset Then = new(2026, 11, 27, 10, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task ProvisionedConcurrency_PutReportDelete_RoundTrip()
    {
        await Store.Functions.TryCreateFunctionAsync(Create(ScopeA, "fn"), Token);
        var config = new ProvisionedConcurrencyConfig { FunctionName = "fn", Qualifier = "live", Requested = 2, LastModified = Then };

        Assert.True(await Store.Provisioned.PutProvisionedConcurrencyAsync(ScopeA, config, Token));
        Assert.False(await Store.Provisioned.PutProvisionedConcurrencyAsync(ScopeA, config with { FunctionName = "missing" }, Token));
        Assert.True(await Store.Provisioned.TryUpdateProvisionedConcurrencyAsync(ScopeA, config with { Allocated = 2, Available = 2, Status = ProvisionedConcurrencyConfig.Ready }, Token));
        Assert.False(await Store.Provisioned.TryUpdateProvisionedConcurrencyAsync(ScopeA, config with { Requested = 3 }, Token));

        Assert.Equal(ProvisionedConcurrencyConfig.Ready, (await Store.Provisioned.GetProvisionedConcurrencyAsync(ScopeA, "fn", "live", Token))?.Status);
        Assert.Single(await Store.Provisioned.ListProvisionedConcurrencyAsync(ScopeA, "fn", Token));
        Assert.Contains(await Store.Provisioned.ListProvisionedConcurrencyAsync(null, null, Token), entry => entry.Scope == ScopeA && entry.Config.Qualifier == "live");
        Assert.True(await Store.Provisioned.DeleteProvisionedConcurrencyAsync(ScopeA, "fn", "live", Token));
        Assert.Null(await Store.Provisioned.GetProvisionedConcurrencyAsync(ScopeA, "fn", "live", Token));
    }

    [Fact]
    public async Task EventInvokeConfigs_PutListDelete_GoneWithTheFunction()
    {
        await Store.Functions.TryCreateFunctionAsync(Create(ScopeA, "fn"), Token);
        var config = new EventInvokeConfig { FunctionName = "fn", Qualifier = "$LATEST", MaximumRetryAttempts = 0, OnFailure = "arn:aws:sqs:us-east-1:111111111111:q", LastModified = Then };

        Assert.True(await Store.InvokeConfigs.PutEventInvokeConfigAsync(ScopeA, config, Token));
        Assert.True(await Store.InvokeConfigs.PutEventInvokeConfigAsync(ScopeA, config with { Qualifier = "1" }, Token));
        Assert.Equal(config, await Store.InvokeConfigs.GetEventInvokeConfigAsync(ScopeA, "fn", "$LATEST", Token));
        Assert.Equal(["$LATEST", "1"], (await Store.InvokeConfigs.ListEventInvokeConfigsAsync(ScopeA, "fn", Token)).Select(c => c.Qualifier));
        Assert.True(await Store.InvokeConfigs.DeleteEventInvokeConfigAsync(ScopeA, "fn", "1", Token));
        Assert.True(await Store.Functions.SetRecursiveLoopAsync(ScopeA, "fn", RecursiveLoops.Allow, Token));
        Assert.Equal(RecursiveLoops.Allow, (await Store.Functions.GetFunctionAsync(ScopeA, "fn", Token))?.RecursiveLoop);

        await Store.Functions.DeleteFunctionAsync(ScopeA, "fn", Token);
        Assert.Empty(await Store.InvokeConfigs.ListEventInvokeConfigsAsync(ScopeA, "fn", Token));
    }

    [Fact]
    public async Task EventSourceMappings_OnePerSourceAndFunction_UpdateIsCompareAndSwap()
    {
        var mapping = new EventSourceMapping
        {
            Uuid = Guid.NewGuid().ToString(),
            Scope = ScopeA,
            EventSourceArn = "arn:aws:sqs:us-east-1:111111111111:q",
            FunctionName = "fn",
            Filters = ["{\"body\":{\"a\":[1]}}"],
            State = EventSourceMappingStates.Creating,
            LastModified = Then,
        };

        Assert.True(await Store.Mappings.TryCreateEventSourceMappingAsync(mapping, Token));
        Assert.False(await Store.Mappings.TryCreateEventSourceMappingAsync(mapping with { Uuid = Guid.NewGuid().ToString() }, Token));
        Assert.True(await Store.Mappings.TryUpdateEventSourceMappingAsync(mapping with { State = EventSourceMappingStates.Enabled }, Then, Token));
        Assert.False(await Store.Mappings.TryUpdateEventSourceMappingAsync(mapping with { BatchSize = 5, LastModified = Then.AddSeconds(1) }, Then.AddSeconds(-1), Token));

        var stored = await Store.Mappings.GetEventSourceMappingAsync(mapping.Uuid, Token);
        Assert.Equal(EventSourceMappingStates.Enabled, stored?.State);
        Assert.Equal(mapping.Filters, stored?.Filters);
        Assert.Single(await Store.Mappings.ListEventSourceMappingsAsync(ScopeA, mapping.EventSourceArn, null, Token));
        Assert.Empty(await Store.Mappings.ListEventSourceMappingsAsync(ScopeB, null, null, Token));
        Assert.True(await Store.Mappings.DeleteEventSourceMappingAsync(mapping.Uuid, Token));
        Assert.Null(await Store.Mappings.GetEventSourceMappingAsync(mapping.Uuid, Token));
    }
}
