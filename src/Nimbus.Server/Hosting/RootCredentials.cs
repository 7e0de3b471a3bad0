// SPDX-License-Identifier: Apache-2.0
using System.Text;
using Nimbus.Core.Access.Credentials;

namespace Nimbus.Server.Hosting;

/// <summary>
/// The account's root access key: seeded by NIMBUS_ROOT_ACCESS_KEY_ID / NIMBUS_ROOT_SECRET_ACCESS_KEY, else read from
/// <c>&lt;DataDir&gt;/credentials</c>, else created on first start. The key is always written to that file, in the
/// AWS shared-credentials format under the profile <c>nimbus</c>, mode 0600, so that
/// <c>AWS_SHARED_CREDENTIALS_FILE=.nimbus/credentials aws --profile nimbus ...</c> works.
/// </summary>
internal static class RootCredentials
{
    public const string FileName = "credentials";
    public const string Profile = "nimbus";

    public static CallerCredential Load(string dataDirectory, string accountId, string? seededKeyId, string? seededSecret)
    {
        var path = Path.Combine(dataDirectory, FileName);
        string keyId;
        string secret;
        if (seededKeyId is not null && seededSecret is not null)
        {
            (keyId, secret) = (seededKeyId, seededSecret);
        }
        else if (Read(path) is { } stored)
        {
            (keyId, secret) = stored;
        }
        else
        {
            (keyId, secret) = (CredentialDirectory.NewAccessKeyId(), CredentialDirectory.NewSecretAccessKey());
        }

        if (Read(path) != (keyId, secret))
        {
            Write(path, keyId, secret);
        }

        return new CallerCredential
        {
            AccessKeyId = keyId,
            SecretAccessKey = secret,
            PrincipalArn = $"arn:aws:iam::{accountId}:root",
            AccountId = accountId,
        };
    }

    /// <summary>The nimbus profile's key of a shared-credentials file, or null when there is none.</summary>
    private static (string KeyId, string Secret)? Read(string path)
    {
        if (!File.Exists(path))
        {
            return null;
        }

        string? keyId = null;
        string? secret = null;
        var inProfile = false;
        foreach (var raw in File.ReadAllLines(path))
        {
            var line = raw.Trim();
            if (line.StartsWith('['))
            {
                inProfile = line == $"[{Profile}]";
                continue;
            }

            var equals = line.IndexOf('=', StringComparison.Ordinal);
            if (!inProfile || equals < 0)
            {
                continue;
            }

            var value = line[(equals + 1)..].Trim();
            switch (line[..equals].Trim())
            {
                case "aws_access_key_id":
                    keyId = value;
                    break;
                case "aws_secret_access_key":
                    secret = value;
                    break;
            }
        }

        return keyId is { Length: > 0 } && secret is { Length: > 0 } ? (keyId, secret) : null;
    }

    /// <summary>Writes the file whole (temp file, 0600 from its creation, then rename), so it is never seen half-written or readable by others.</summary>
    private static void Write(string path, string keyId, string secret)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!); // a file path in the data directory always has one.
        var temp = path + ".tmp";
        var text = $"[{Profile}]\naws_access_key_id = {keyId}\naws_secret_access_key = {secret}\n";
        using (var stream = new FileStream(temp, new FileStreamOptions
        {
            Mode = FileMode.Create,
            Access = FileAccess.Write,
            UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite,
        }))
        {
            stream.Write(Encoding.UTF8.GetBytes(text));
            stream.Flush(flushToDisk: true);
        }

        File.SetUnixFileMode(temp, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        File.Move(temp, path, overwrite: true);
    }
}
