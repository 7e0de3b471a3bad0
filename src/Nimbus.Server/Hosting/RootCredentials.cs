// SPDX-License-Identifier: Apache-2.0
using Nimbus.Core.Access.Credentials;

namespace Nimbus.Server.Hosting;

/// <summary>
/// The account's root access key: seeded by NIMBUS_ROOT_ACCESS_KEY_ID / NIMBUS_ROOT_SECRET_ACCESS_KEY, else read from
/// <c>&lt;DataDir&gt;/credentials</c>, else created on first start. The key is always written to that file
/// (<see cref="CredentialsFile"/>) under the profile <c>nimbus</c>, mode 0600, so that
/// <c>AWS_SHARED_CREDENTIALS_FILE=.nimbus/credentials aws --profile nimbus ...</c> works.
/// </summary>
internal static class RootCredentials
{
    public const string FileName = CredentialsFile.FileName;
    public const string Profile = "nimbus";

    public static CallerCredential Load(string dataDirectory, string accountId, string? seededKeyId, string? seededSecret)
    {
        var path = Path.Combine(dataDirectory, FileName);
        var (keyId, secret) = CredentialsFile.Update<(string KeyId, string Secret)>(path, profiles =>
        {
            (string KeyId, string Secret) key;
            if (seededKeyId is not null && seededSecret is not null)
            {
                key = (seededKeyId, seededSecret);
            }
            else if (profiles.FirstOrDefault(p => p.Profile == Profile) is { KeyId: not null } stored)
            {
                key = (stored.KeyId, stored.Secret);
            }
            else
            {
                key = (CredentialDirectory.NewAccessKeyId(), CredentialDirectory.NewSecretAccessKey());
            }

            return (key, [(Profile, key.KeyId, key.Secret)]);
        });

        return new CallerCredential
        {
            AccessKeyId = keyId,
            SecretAccessKey = secret,
            PrincipalArn = $"arn:aws:iam::{accountId}:root",
            AccountId = accountId,
        };
    }
}
