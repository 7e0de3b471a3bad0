// SPDX-License-Identifier: Apache-2.0
namespace Nimbus.Core.Access.Iam;

/// <summary>Temporary credentials STS issued (AssumeRole), kept so an acknowledged credential survives a restart.
/// The secret and token are kept encrypted by the store and never logged.</summary>
public sealed record StoredSession
{
    public required string AccessKeyId { get; init; }

    public required string SecretAccessKey { get; init; }

    public required string SessionToken { get; init; }

    public required string PrincipalArn { get; init; }

    public required string Account { get; init; }

    public required string UniqueId { get; init; }

    public required DateTimeOffset Expiration { get; init; }

    public override string ToString() => $"{AccessKeyId} ({PrincipalArn})";
}
