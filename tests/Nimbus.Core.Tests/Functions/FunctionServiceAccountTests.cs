// SPDX-License-Identifier: Apache-2.0
using Nimbus.Core.Functions;

namespace Nimbus.Core.Tests.Functions;

public sealed class FunctionServiceAccountTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task GetAccountSettingsAsync_NoFunctions_LimitsAndZeroUsage()
    {
        var harness = new ServiceHarness();

        var settings = await harness.Service.GetAccountSettingsAsync(TestValues.Scope, Ct);

        Assert.Equal(new AccountSettings(80_530_636_800, 262_144_000, 52_428_800, 1000, 1000, 0, 0), settings);
    }

    [Fact]
    public async Task GetAccountSettingsAsync_TwoFunctions_CountsThemAndTheirCode()
    {
        var harness = new ServiceHarness();
        var first = ServiceHarness.Zip("one");
        var second = ServiceHarness.Zip("a-longer-marker");
        await harness.CreateAsync("first", zip: first);
        await harness.CreateAsync("second", zip: second);
        await harness.Service.CreateAsync(
            TestValues.OtherRegion, "elsewhere", TestValues.ValidCreate(), ServiceHarness.Upload(first), null, publish: false, Ct);

        var settings = await harness.Service.GetAccountSettingsAsync(TestValues.Scope, Ct);

        Assert.Equal(2, settings.FunctionCount);
        Assert.Equal(first.Length + second.Length, settings.TotalCodeSize);
    }

    [Fact]
    public async Task GetAccountSettingsAsync_ConfiguredConcurrency_Reported()
    {
        var harness = new ServiceHarness(new FunctionServiceOptions { ConcurrentExecutions = 10 });

        var settings = await harness.Service.GetAccountSettingsAsync(TestValues.Scope, Ct);

        Assert.Equal(10, settings.ConcurrentExecutions);
        Assert.Equal(10, settings.UnreservedConcurrentExecutions); // below 100, the whole limit stays unreserved
    }
}
