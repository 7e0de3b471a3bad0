// SPDX-License-Identifier: Apache-2.0
using System.Security.Cryptography;
using Nimbus.Core.Access.Credentials;

namespace Nimbus.Server.Hosting;

/// <summary>
/// Accounts besides the configured one: each is its root key in the credentials file under the profile
/// <c>nimbus-ACCOUNTID</c>. <c>nimbus account create</c> adds one; the server loads them at start and, when a
/// request carries a key it does not know, looks at the file again if it changed since (so an account created while
/// the server runs works at once). Keys of a profile removed from the file stay known until the server restarts.
/// </summary>
internal sealed class AccountCredentials(string dataDirectory, CredentialDirectory directory)
{
    public const string ProfilePrefix = "nimbus-";

    private readonly Lock _lock = new();
    private readonly string _path = Path.Combine(dataDirectory, CredentialsFile.FileName);
    private (DateTime Written, long Length) _seen;

    /// <summary>Adds every account's root key the file holds; true when the file changed since the last look.</summary>
    public bool Refresh()
    {
        lock (_lock)
        {
            var info = new FileInfo(_path);
            var now = info.Exists ? (info.LastWriteTimeUtc, info.Length) : (DateTime.MinValue, -1L);
            if (now == _seen)
            {
                return false;
            }

            _seen = now;
            foreach (var credential in Load(_path))
            {
                directory.Add(credential);
            }

            return true;
        }
    }

    /// <summary>Creates an account: a new 12-digit id and root key, added to the credentials file. Gives the id.</summary>
    public static string Create(string dataDirectory, string configuredAccount)
    {
        var path = Path.Combine(dataDirectory, CredentialsFile.FileName);
        return CredentialsFile.Update<string>(path, profiles =>
        {
            string account;
            do
            {
                account = RandomNumberGenerator.GetString("0123456789", 12);
            }
            while (account == configuredAccount || profiles.Any(p => p.Profile == ProfilePrefix + account));

            return (account, [(ProfilePrefix + account, CredentialDirectory.NewAccessKeyId(), CredentialDirectory.NewSecretAccessKey())]);
        });
    }

    private static IEnumerable<CallerCredential> Load(string path)
    {
        foreach (var (profile, keyId, secret) in CredentialsFile.Read(path))
        {
            var account = profile.StartsWith(ProfilePrefix, StringComparison.Ordinal) ? profile[ProfilePrefix.Length..] : "";
            if (account.Length == 12 && !account.AsSpan().ContainsAnyExceptInRange('0', '9'))
            {
                yield return new CallerCredential
                {
                    AccessKeyId = keyId,
                    SecretAccessKey = secret,
                    PrincipalArn = $"arn:aws:iam::{account}:root",
                    AccountId = account,
                };
            }
        }
    }
}
