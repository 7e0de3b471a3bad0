// SPDX-License-Identifier: Apache-2.0
namespace Nimbus.Core.PowerTuning;

/// <summary>One memory size's outcome: the trimmed averages of its invocations and what they all cost.</summary>
/// <param name="Value">The memory size, MB.</param>
/// <param name="AverageDuration">The average billed duration, ms, of the invocations left after the extremes were discarded.</param>
/// <param name="AveragePrice">The price of one invocation of the average duration, USD.</param>
/// <param name="TotalCost">What every invocation made at this size cost, USD.</param>
public sealed record PowerStats(int Value, double AverageDuration, double AveragePrice, double TotalCost);
