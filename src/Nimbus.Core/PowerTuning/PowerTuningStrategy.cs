// SPDX-License-Identifier: Apache-2.0
namespace Nimbus.Core.PowerTuning;

/// <summary>What the best memory size is chosen for (the names of AWS Lambda Power Tuning's <c>strategy</c>).</summary>
public enum PowerTuningStrategy
{
    /// <summary>The lowest average cost per invocation; the faster of equal costs.</summary>
    Cost,

    /// <summary>The lowest average duration; the cheaper of equal durations.</summary>
    Speed,

    /// <summary>The lowest weighted sum of cost and duration, each scaled to 0–1 over the sizes tried.</summary>
    Balanced,
}
