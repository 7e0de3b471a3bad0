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
    [InlineData(0.5)]
    [InlineData(-0.1)]
    public void TrimmedMean_DiscardOutOfRange_Throws(double discard)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => PowerTuningMath.TrimmedMean([1.0, 2.0], discard));
    }

    [Fact]
    public void Price_OneGbOneSecond_IsTheRatePlusTheRequest()
    {
        // AWS's pricing example: 1,024 MB for 1 s on x86 costs $0.0000166667 plus $0.0000002 for the request.
        Assert.Equal(0.0000166667 + 0.0000002, PowerTuningMath.Price(1024, 1000, PowerTuningMath.PricePerGbSecond("x86_64")), 15);
        Assert.Equal(0.0000133334 / 8 + 0.0000002, PowerTuningMath.Price(128, 1000, PowerTuningMath.PricePerGbSecond("arm64")), 15);
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
