// SPDX-License-Identifier: Apache-2.0
namespace Nimbus.Core.Logs;

/// <summary>A log stream as the store keeps it; times are Unix milliseconds, null until the first event.</summary>
public sealed record LogStreamInfo
{
    public required string Name { get; init; }

    public required long CreationTime { get; init; }

    public long? FirstEventTimestamp { get; init; }

    public long? LastEventTimestamp { get; init; }

    public long? LastIngestionTime { get; init; }

    public long StoredBytes { get; init; }
}
