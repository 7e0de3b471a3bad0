// SPDX-License-Identifier: Apache-2.0
namespace Nimbus.Core.Access.Iam;

/// <summary>A customer managed policy; its documents are its versions (<see cref="PolicyVersion"/>).</summary>
public sealed record ManagedPolicy
{
    public required string Account { get; init; }

    public required string Name { get; init; }

    /// <summary>ANPA… and 17 more characters.</summary>
    public required string Id { get; init; }

    public required string Path { get; init; }

    public string? Description { get; init; }

    /// <summary>v1, v2 ...</summary>
    public required string DefaultVersionId { get; init; }

    /// <summary>How many users, roles and groups it is attached to; filled in by the store.</summary>
    public int AttachmentCount { get; init; }

    public required DateTimeOffset CreatedAt { get; init; }

    public required DateTimeOffset UpdatedAt { get; init; }

    public IReadOnlyList<IamTag> Tags { get; init; } = [];

    public string Arn => IamArns.Policy(Account, Path, Name);
}
