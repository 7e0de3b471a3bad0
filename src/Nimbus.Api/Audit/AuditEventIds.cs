// SPDX-License-Identifier: Apache-2.0
namespace Nimbus.Api.Audit;

/// <summary>
/// Event ids: UUIDs as CloudTrail's, but time-ordered (version 7, the event's time in their first 48 bits) rather than
/// random. The trail's unique index on them then grows at its end, as the other indexes do, instead of each event
/// dirtying a random page of it: under a stream of data events that was most of what each commit wrote.
/// </summary>
internal static class AuditEventIds
{
    public static string New(DateTimeOffset time) => Guid.CreateVersion7(time).ToString();
}
