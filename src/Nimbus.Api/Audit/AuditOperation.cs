// SPDX-License-Identifier: Apache-2.0
namespace Nimbus.Api.Audit;

/// <summary>What CloudTrail calls a request: the service's event source, the event name, read-only or not, data or management.</summary>
internal sealed record AuditOperation(string EventSource, string EventName, bool ReadOnly, bool Data);
