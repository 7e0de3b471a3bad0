// SPDX-License-Identifier: Apache-2.0
namespace Nimbus.Execution.Logs;

/// <summary>How often events past their log group's retention are deleted (AWS: within about 72 hours).</summary>
public sealed class LogRetentionOptions
{
    public TimeSpan SweepInterval { get; set; } = TimeSpan.FromHours(1);
}
