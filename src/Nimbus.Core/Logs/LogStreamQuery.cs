// SPDX-License-Identifier: Apache-2.0
namespace Nimbus.Core.Logs;

/// <summary>DescribeLogStreams' selection and order; <see cref="After"/> is a cursor a previous page returned.</summary>
public sealed record LogStreamQuery
{
    public string? Prefix { get; init; }

    public bool OrderByLastEventTime { get; init; }

    public bool Descending { get; init; }

    public string? After { get; init; }

    public int Limit { get; init; } = 50;
}
