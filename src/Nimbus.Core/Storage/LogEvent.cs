// SPDX-License-Identifier: Apache-2.0
namespace Nimbus.Core.Storage;

/// <summary>One line of a function's log, as CloudWatch Logs holds it.</summary>
public sealed record LogEvent(DateTimeOffset Timestamp, string Message);
