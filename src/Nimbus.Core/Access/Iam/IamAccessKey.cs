// SPDX-License-Identifier: Apache-2.0
namespace Nimbus.Core.Access.Iam;

/// <summary>A user's long-term access key. The secret is kept encrypted by the store and never logged.</summary>
public sealed record IamAccessKey
{
    public const string Active = "Active";
    public const string Inactive = "Inactive";

    public required string AccessKeyId { get; init; }

    public required string Account { get; init; }

    public required string UserName { get; init; }

    public required string SecretAccessKey { get; init; }

    /// <summary><see cref="Active"/> or <see cref="Inactive"/>.</summary>
    public required string Status { get; init; }

    public required DateTimeOffset CreatedAt { get; init; }

    /// <summary>The user's ARN and unique id, filled in by the store when it lists keys.</summary>
    public string? UserArn { get; init; }

    public string? UserId { get; init; }

    /// <summary>Hides the secret from records printed in logs or test output.</summary>
    public override string ToString() => $"{AccessKeyId} ({UserName}, {Status})";
}
