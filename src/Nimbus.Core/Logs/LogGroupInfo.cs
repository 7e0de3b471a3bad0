// SPDX-License-Identifier: Apache-2.0
namespace Nimbus.Core.Logs;

/// <summary>A log group as the store keeps it; times are Unix milliseconds, as the Logs API speaks them.</summary>
public sealed record LogGroupInfo
{
    public required string Name { get; init; }

    public required long CreationTime { get; init; }

    public int? RetentionInDays { get; init; }

    /// <summary>The UTF-8 bytes of the messages the group holds.</summary>
    public long StoredBytes { get; init; }

    public IReadOnlyDictionary<string, string> Tags { get; init; } = new Dictionary<string, string>();
}
