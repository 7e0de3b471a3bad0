// SPDX-License-Identifier: Apache-2.0
using System.Buffers.Text;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Nimbus.Api.Registry;

/// <summary>
/// ECR's authorization tokens (GetAuthorizationToken): the password of user <c>AWS</c> at the registry, valid for 12
/// hours, standing for the access key that asked for it. A token is the key id and expiry with an HMAC of Nimbus's;
/// the key is made at start and lives in memory only (never logged), so a restart invalidates outstanding tokens and a
/// client logs in again, as after a token's expiry.
/// </summary>
internal sealed class RegistryTokens(TimeProvider time)
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromHours(12);

    private const string Prefix = "nimbus1.";

    private readonly byte[] _key = RandomNumberGenerator.GetBytes(32);

    /// <summary>A token for <paramref name="accessKeyId"/> (empty with authentication off) and when it expires.</summary>
    public (string Token, DateTimeOffset ExpiresAt) Create(string accessKeyId)
    {
        var expires = time.GetUtcNow() + Lifetime;
        var payload = accessKeyId + "\n" + expires.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        var bytes = Encoding.UTF8.GetBytes(payload);
        var token = Prefix + Base64Url.EncodeToString(bytes) + "." + Base64Url.EncodeToString(HMACSHA256.HashData(_key, bytes));
        return (token, expires);
    }

    /// <summary>The access key a token stands for, if the token is ours and unexpired.</summary>
    public bool TryVerify(string token, out string accessKeyId)
    {
        accessKeyId = "";
        if (!token.StartsWith(Prefix, StringComparison.Ordinal))
        {
            return false;
        }

        var parts = token[Prefix.Length..].Split('.');
        if (parts.Length != 2)
        {
            return false;
        }

        byte[] payload, mac;
        try
        {
            payload = Base64Url.DecodeFromChars(parts[0]);
            mac = Base64Url.DecodeFromChars(parts[1]);
        }
        catch (FormatException)
        {
            return false;
        }

        if (!CryptographicOperations.FixedTimeEquals(mac, HMACSHA256.HashData(_key, payload)))
        {
            return false;
        }

        var text = Encoding.UTF8.GetString(payload);
        var newline = text.IndexOf('\n', StringComparison.Ordinal);
        if (newline < 0 || !long.TryParse(text.AsSpan(newline + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var expires)
            || DateTimeOffset.FromUnixTimeSeconds(expires) <= time.GetUtcNow())
        {
            return false;
        }

        accessKeyId = text[..newline];
        return true;
    }
}
