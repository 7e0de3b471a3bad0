// SPDX-License-Identifier: Apache-2.0
namespace Nimbus.Execution.Metrics;

/// <summary>How long metrics are kept and how much of them (CloudWatch keeps 1-minute points for 15 days).</summary>
public sealed class MetricsOptions
{
    public TimeSpan Retention { get; set; } = TimeSpan.FromDays(15);

    /// <summary>The most points stored; past it the oldest go first (about 100 bytes each on disk).</summary>
    public long MaxPoints { get; set; } = 5_000_000;

    public TimeSpan SweepInterval { get; set; } = TimeSpan.FromHours(1);
}
