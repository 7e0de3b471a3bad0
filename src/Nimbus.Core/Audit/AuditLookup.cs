// SPDX-License-Identifier: Apache-2.0
namespace Nimbus.Core.Audit;

/// <summary>
/// One page of a lookup: the account's events between <see cref="Start"/> and <see cref="End"/> (inclusive), newest
/// first, at most <see cref="MaxResults"/>, optionally filtered by one attribute, continuing before <see cref="Before"/>
/// (the sequence number a previous page ended at).
/// </summary>
public sealed record AuditLookup
{
    public required string Account { get; init; }

    public AuditLookupKey? Attribute { get; init; }

    public string? Value { get; init; }

    public DateTimeOffset? Start { get; init; }

    public DateTimeOffset? End { get; init; }

    public int MaxResults { get; init; } = 50;

    public long? Before { get; init; }
}
