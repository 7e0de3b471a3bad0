// SPDX-License-Identifier: Apache-2.0
namespace Nimbus.Core.Access.Iam;

/// <summary>
/// A user, role or group as IAM keeps it. Names are unique per account and kind, compared without regard to case, as
/// IAM's are. The role-only members (trust policy, description, longest session) are null for users and groups.
/// </summary>
public sealed record IamEntity
{
    public required IamEntityKind Kind { get; init; }

    public required string Account { get; init; }

    public required string Name { get; init; }

    /// <summary>The unique id IAM makes: AIDA… (user), AROA… (role), AGPA… (group), 21 characters.</summary>
    public required string Id { get; init; }

    /// <summary>"/" or "/a/b/".</summary>
    public required string Path { get; init; }

    public required DateTimeOffset CreatedAt { get; init; }

    public IReadOnlyList<IamTag> Tags { get; init; } = [];

    /// <summary>A role's trust policy, as given (JSON text).</summary>
    public string? AssumeRolePolicyDocument { get; init; }

    public string? Description { get; init; }

    /// <summary>A role's longest session in seconds (3600–43200; 3600 by default).</summary>
    public int MaxSessionDuration { get; init; } = 3600;

    public string Arn => IamArns.Of(Kind, Account, Path, Name);
}
