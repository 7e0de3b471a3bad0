// SPDX-License-Identifier: Apache-2.0
using System.Collections.Concurrent;
using System.Security.Cryptography;

namespace Nimbus.Core.Access.Credentials;

/// <summary>
/// The access keys Nimbus accepts, by id: the account's root key and the temporary credentials it issues to execution
/// environments. Lookups by the id's characters allocate nothing. Expired temporary credentials are refused and
/// forgotten.
/// </summary>
/// <remarks>
/// Execution environments' temporary credentials live in this process only: an environment never outlives the server
/// that started it, so neither do its credentials. STS's sessions are stored (IIdentityStore) and loaded at start. Several nodes will share them through the store (DESIGN.md, "Growing past one machine").
/// </remarks>
public sealed class CredentialDirectory
{
    private const string Base32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

    private readonly ConcurrentDictionary<string, CallerCredential> _byId = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, CallerCredential>.AlternateLookup<ReadOnlySpan<char>> _bySpan;
    private long _issuedSincePurge;

    public CredentialDirectory()
    {
        _bySpan = _byId.GetAlternateLookup<ReadOnlySpan<char>>();
    }

    public void Add(CallerCredential credential)
    {
        ArgumentNullException.ThrowIfNull(credential);
        _byId[credential.AccessKeyId] = credential;
    }

    public void Remove(string accessKeyId) => _byId.TryRemove(accessKeyId, out _);

    /// <summary>
    /// Asked when a key is not found, before it is refused: may add credentials (the server looks at its credentials
    /// file again if it changed, for accounts created while it runs) and answers true when it did.
    /// </summary>
    public Func<bool>? OnMiss { get; set; }

    /// <summary>The credential with this id, unless it has expired.</summary>
    public bool TryGet(ReadOnlySpan<char> accessKeyId, DateTimeOffset now, out CallerCredential credential)
    {
        if (_bySpan.TryGetValue(accessKeyId, out credential!) && (credential.Expiration is not { } expiration || expiration > now))
        {
            return true;
        }

        if (credential is null && OnMiss?.Invoke() == true && _bySpan.TryGetValue(accessKeyId, out credential!))
        {
            return true;
        }

        credential = null!;
        return false;
    }

    /// <summary>
    /// Whether this id names temporary credentials that have expired (and are remembered for
    /// <see cref="ExpiredRemembered"/> after), so that a request with them is told so rather than "invalid".
    /// </summary>
    public bool IsExpired(ReadOnlySpan<char> accessKeyId, DateTimeOffset now) =>
        _bySpan.TryGetValue(accessKeyId, out var credential) && credential.Expiration is { } expiration && expiration <= now;

    /// <summary>How long expired credentials are remembered: as long as the longest session STS issues.</summary>
    public static TimeSpan ExpiredRemembered { get; } = TimeSpan.FromHours(12);

    /// <summary>
    /// Issues temporary credentials for <paramref name="principalArn"/> (an assumed-role session), valid for
    /// <paramref name="lifetime"/>: an ASIA… key id, a 40-character secret and a session token, as STS gives them.
    /// </summary>
    public CallerCredential IssueSession(string principalArn, string accountId, TimeSpan lifetime, DateTimeOffset now)
    {
        var credential = new CallerCredential
        {
            AccessKeyId = "ASIA" + RandomString(Base32, 16),
            SecretAccessKey = RandomString(Base64Url, 40),
            SessionToken = "NimbusSession" + RandomString(Base64Url, 120),
            PrincipalArn = principalArn,
            AccountId = accountId,
            Expiration = now + lifetime,
        };
        Add(credential);
        if (Interlocked.Increment(ref _issuedSincePurge) % 256 == 0)
        {
            Purge(now);
        }

        return credential;
    }

    /// <summary>A new long-term key id: AKIA and 16 base-32 characters, as IAM's.</summary>
    public static string NewAccessKeyId() => "AKIA" + RandomString(Base32, 16);

    /// <summary>A new secret access key: 40 characters, as IAM's.</summary>
    public static string NewSecretAccessKey() => RandomString(Base64Url, 40);

    private const string Base64Url = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

    private static string RandomString(string alphabet, int length) => RandomNumberGenerator.GetString(alphabet, length);

    private void Purge(DateTimeOffset now)
    {
        foreach (var (id, credential) in _byId)
        {
            if (credential.Expiration is { } expiration && expiration + ExpiredRemembered <= now)
            {
                _byId.TryRemove(id, out _);
            }
        }
    }
}
