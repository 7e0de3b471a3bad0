// SPDX-License-Identifier: Apache-2.0
namespace Nimbus.Execution.Logs;

/// <summary>
/// How stored logs are bounded: how often events past their log group's retention are deleted (AWS: within about 72
/// hours), and the size cap per group (a Nimbus bound; AWS has none), checked every <see cref="CapCheckInterval"/>.
/// </summary>
public sealed class LogRetentionOptions
{
    public const long DefaultMaxGroupBytes = 1L << 30;

    public TimeSpan SweepInterval { get; set; } = TimeSpan.FromHours(1);

    /// <summary>Bytes of messages a group may store before its oldest events are dropped; 0: no cap.</summary>
    public long MaxGroupBytes { get; set; } = DefaultMaxGroupBytes;

    /// <summary>A group over its cap is trimmed to this share of it, so that a busy group is not trimmed at every check.</summary>
    public double TrimToFraction { get; set; } = 0.9;

    public TimeSpan CapCheckInterval { get; set; } = TimeSpan.FromMinutes(1);
}
