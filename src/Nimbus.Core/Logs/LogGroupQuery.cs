// SPDX-License-Identifier: Apache-2.0
namespace Nimbus.Core.Logs;

/// <summary>DescribeLogGroups' selection: a name prefix, or a case-insensitive substring; by name after <see cref="After"/>.</summary>
public sealed record LogGroupQuery
{
    public string? Prefix { get; init; }

    public string? Contains { get; init; }

    public string? After { get; init; }

    public int Limit { get; init; } = 50;
}
