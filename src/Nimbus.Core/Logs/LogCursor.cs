// SPDX-License-Identifier: Apache-2.0
namespace Nimbus.Core.Logs;

/// <summary>
/// A place in a stream's or group's events: ordered by timestamp, then by the order of ingestion (the store's id).
/// Reads continue strictly after or before one.
/// </summary>
public readonly record struct LogCursor(long Timestamp, long Id);
