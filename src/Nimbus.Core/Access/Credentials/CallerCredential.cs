// SPDX-License-Identifier: Apache-2.0
namespace Nimbus.Core.Access.Credentials;

/// <summary>An access key Nimbus accepts signatures from, and who signs with it.</summary>
public sealed record CallerCredential
{
    public required string AccessKeyId { get; init; }

    /// <summary>Never logged, never returned by an API after the key's creation.</summary>
    public required string SecretAccessKey { get; init; }

    /// <summary>Who acts: <c>arn:aws:iam::ACCOUNT:root</c>, a user, or an assumed-role session.</summary>
    public required string PrincipalArn { get; init; }

    public required string AccountId { get; init; }

    /// <summary>Temporary credentials carry a session token, which every request must present (x-amz-security-token).</summary>
    public string? SessionToken { get; init; }

    /// <summary>When temporary credentials stop working; null for long-term keys.</summary>
    public DateTimeOffset? Expiration { get; init; }

    /// <summary>The user's or role's unique id (AIDA…, AROA…) where the key belongs to one; see <see cref="CallerIdentity.UserId"/>.</summary>
    public string? UniqueId { get; init; }

    /// <summary>Whether IAM's UpdateAccessKey left the key usable; an inactive key is refused like an unknown one.</summary>
    public bool IsActive { get; init; } = true;

    /// <summary>The identity requests signed with this key act as: made once, shared by every such request.</summary>
    public CallerIdentity Identity => _identity ??= CallerIdentity.ForArn(PrincipalArn, AccountId, UniqueId, AccessKeyId);

    private CallerIdentity? _identity;

    /// <summary>Hides the secret and token from records printed in logs or test output.</summary>
    public override string ToString() => $"{AccessKeyId} ({PrincipalArn})";
}
