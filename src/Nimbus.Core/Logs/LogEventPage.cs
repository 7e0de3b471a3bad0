// SPDX-License-Identifier: Apache-2.0
namespace Nimbus.Core.Logs;

/// <summary>GetLogEvents' events, oldest first.</summary>
public sealed record LogEventPage(LogStreamStatus Status, IReadOnlyList<LogRecord> Events);
