// SPDX-License-Identifier: Apache-2.0
namespace Nimbus.Core.Logs;

/// <summary>A page of FilterLogEvents: the matches, the streams searched, and where to go on (null when done).</summary>
public sealed record LogFilterPage(bool GroupFound, IReadOnlyList<LogRecord> Events, IReadOnlyList<string> SearchedStreams, LogCursor? Next);
