// SPDX-License-Identifier: Apache-2.0
namespace Nimbus.Core.Images;

/// <summary>One ECR repository of an account and region.</summary>
public sealed record RepositoryRecord
{
    public required string Name { get; init; }

    public DateTimeOffset CreatedAt { get; init; }

    public string ImageTagMutability { get; init; } = "MUTABLE";

    public bool ScanOnPush { get; init; }
}
