// SPDX-License-Identifier: Apache-2.0
namespace Nimbus.Core.Logs;

/// <summary>One stored event; <see cref="Cursor"/> is its place in the order events are read in.</summary>
public sealed record LogRecord(LogCursor Cursor, string Stream, long IngestionTime, string Message)
{
    public long Timestamp => Cursor.Timestamp;
}
