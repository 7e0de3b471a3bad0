// SPDX-License-Identifier: Apache-2.0
namespace Nimbus.Core.Audit;

/// <summary>The attributes LookupEvents can filter by (CloudTrail's LookupAttributeKey), one per lookup.</summary>
public enum AuditLookupKey
{
    EventId,
    EventName,
    ReadOnly,
    Username,
    ResourceType,
    ResourceName,
    EventSource,
    AccessKeyId,
}
