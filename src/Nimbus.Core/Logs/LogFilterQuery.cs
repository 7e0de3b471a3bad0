// SPDX-License-Identifier: Apache-2.0
namespace Nimbus.Core.Logs;

/// <summary>
/// FilterLogEvents' selection over a group's streams (all of them, the named ones, or those with a prefix), in
/// [StartTime, EndTime), interleaved by time, continuing after <see cref="After"/>.
/// </summary>
public sealed record LogFilterQuery
{
    public IReadOnlyList<string>? StreamNames { get; init; }

    public string? StreamPrefix { get; init; }

    public long? StartTime { get; init; }

    public long? EndTime { get; init; }

    public bool Descending { get; init; }

    public LogCursor? After { get; init; }

    /// <summary>Substrings every match contains: the store may drop other events before <see cref="LogFilterQuery"/>'s matcher sees them.</summary>
    public IReadOnlyList<string> RequiredSubstrings { get; init; } = [];

    /// <summary>
    /// <see cref="RequiredSubstrings"/> hold only for events without a <c>\u</c> escape: the store keeps those too
    /// (see <see cref="Patterns.FilterPattern.RequiredUnlessUnicodeEscaped"/>).
    /// </summary>
    public bool RequiredUnlessUnicodeEscaped { get; init; }

    public int Limit { get; init; } = 10_000;

    /// <summary>At most this many candidate events are examined per page; the cursor then says where to go on.</summary>
    public int ScanLimit { get; init; } = 200_000;

    /// <summary>At most this many message bytes are returned per page (AWS: 1 MB).</summary>
    public long MaxBytes { get; init; } = 1_048_576;
}
