// SPDX-License-Identifier: Apache-2.0
namespace Nimbus.Core.Audit;

/// <summary>A page of events, newest first; <see cref="Next"/> is where the next page continues, null at the end.</summary>
public sealed record AuditPage(IReadOnlyList<AuditEvent> Events, long? Next);
