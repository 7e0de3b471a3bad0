// SPDX-License-Identifier: Apache-2.0
namespace Nimbus.Core.Logs;

/// <summary>
/// Which events of one stream GetLogEvents reads: within [StartTime, EndTime), strictly after <see cref="After"/> or
/// before <see cref="Before"/>, the first <see cref="Limit"/> of them, or the last when <see cref="FromTail"/>.
/// </summary>
public sealed record LogEventRange
{
    public long? StartTime { get; init; }

    public long? EndTime { get; init; }

    public LogCursor? After { get; init; }

    public LogCursor? Before { get; init; }

    public bool FromTail { get; init; }

    public int Limit { get; init; } = 10_000;
}
