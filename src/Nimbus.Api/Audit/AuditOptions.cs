// SPDX-License-Identifier: Apache-2.0
namespace Nimbus.Api.Audit;

/// <summary>The audit trail's settings (docs/audit.md).</summary>
public sealed class AuditOptions
{
    /// <summary>Whether API calls are recorded at all.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>
    /// Whether data events are recorded too (Invoke, queue messages, log events, metric data), as a CloudTrail trail
    /// records them only when its event selectors ask for them. Off by default.
    /// </summary>
    public bool DataEvents { get; set; }

    /// <summary>How long events are kept (CloudTrail's event history keeps 90 days).</summary>
    public TimeSpan Retention { get; set; } = TimeSpan.FromDays(90);

    /// <summary>How often events past the retention are deleted.</summary>
    public TimeSpan SweepInterval { get; set; } = TimeSpan.FromHours(1);
}
