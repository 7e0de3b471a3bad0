// SPDX-License-Identifier: Apache-2.0
using Nimbus.Core.PowerTuning;

namespace Nimbus.Core.Tests.PowerTuning;

public sealed class PowerTuningMathTests
{
    [Theory]
    [InlineData(new[] { 5.0 }, 0.2, 5.0)]
    [InlineData(new[] { 1.0, 2.0, 3.0, 4.0, 100.0 }, 0.2, 3.0)]
    [InlineData(new[] { 100.0, 1.0, 2.0, 3.0, 4.0 }, 0.0, 22.0)]
    [InlineData(new[] { 1.0, 2.0, 3.0, 4.0 }, 0.2, 2.5)]
    [InlineData(new[] { 9.0, 1.0, 5.0, 5.0, 5.0, 5.0, 5.0, 5.0, 5.0, 0.0 }, 0.2, 5.0)]
    public void TrimmedMean_Values_LeavesOutEachSidesShare(double[] values, double discard, double expected)
    {
        Assert.Equal(expected, PowerTuningMath.TrimmedMean(values, discard), 9);
    }

    [Theory]
    [InlineData(0.41)]
    [InlineData(-0.1)]
    public void TrimmedMean_DiscardOutOfRange_Throws(double discard)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => PowerTuningMath.TrimmedMean([1.0, 2.0], discard));
    }

    [Theory]
    [InlineData(128, 1.0, 2.1e-9)]
    [InlineData(128, 0.2, 2.1e-9)] // rounded up to whole ms
    [InlineData(1024, 1000.0, 1000 * 2.1e-9 * 8)]
    [InlineData(3008, 10.5, 11 * 2.1e-9 * 3008 / 128)]
    public void Price_DurationAtSize_IsWholeMsTimesBaseCostTimesSize(int memoryMb, double durationMs, double expected)
    {
        Assert.Equal(expected, PowerTuningMath.Price(memoryMb, durationMs, PowerTuningMath.BaseCost("x86_64")), 15);
    }

    [Fact]
    public void BaseCost_Architectures_AreUsEast1s()
    {
        Assert.Equal(2.1e-9, PowerTuningMath.BaseCost("x86_64"));
        Assert.Equal(2.1e-9, PowerTuningMath.BaseCost(null));
        Assert.Equal(1.7e-9, PowerTuningMath.BaseCost("arm64"));
    }

    private static readonly PowerStats[] Sizes =
    [
        new(128, AverageDuration: 400, AveragePrice: 0.0000010, TotalCost: 0),
        new(512, AverageDuration: 100, AveragePrice: 0.0000010, TotalCost: 0),
        new(1024, AverageDuration: 60, AveragePrice: 0.0000012, TotalCost: 0),
        new(3008, AverageDuration: 50, AveragePrice: 0.0000030, TotalCost: 0),
    ];

    [Theory]
    [InlineData(PowerTuningStrategy.Cost, 0.5, 512)] // 128 and 512 cost the same: the faster one
    [InlineData(PowerTuningStrategy.Speed, 0.5, 3008)]
    [InlineData(PowerTuningStrategy.Balanced, 0.5, 1024)]
    [InlineData(PowerTuningStrategy.Balanced, 1.0, 128)] // cost only: the first of the cheapest
    [InlineData(PowerTuningStrategy.Balanced, 0.0, 3008)]
    public void Choose_Strategy_PicksItsBest(PowerTuningStrategy strategy, double weight, int expected)
    {
        Assert.Equal(expected, PowerTuningMath.Choose(Sizes, strategy, weight).Value);
    }

    [Fact]
    public void Choose_OneSize_IsThatSize()
    {
        Assert.Equal(256, PowerTuningMath.Choose([new PowerStats(256, 1, 1, 1)], PowerTuningStrategy.Balanced, 0.5).Value);
    }
}
