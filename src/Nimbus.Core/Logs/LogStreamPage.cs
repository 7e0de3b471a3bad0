// SPDX-License-Identifier: Apache-2.0
namespace Nimbus.Core.Logs;

/// <summary>A page of DescribeLogStreams; <see cref="Next"/> is the store's cursor for the next page, null at the end.</summary>
public sealed record LogStreamPage(LogStreamStatus Status, IReadOnlyList<LogStreamInfo> Streams, string? Next);
