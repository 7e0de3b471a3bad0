// SPDX-License-Identifier: Apache-2.0
using System.Buffers.Text;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Nimbus.Api.Code;

/// <summary>
/// Makes and checks the presigned <c>Code.Location</c> URLs of GetFunction: like AWS's presigned S3 URLs they
/// need no credentials, name one package and expire after 10 minutes. The key lives in memory, so a restart
/// invalidates outstanding URLs (a client simply calls GetFunction again).
/// </summary>
internal sealed class CodeLocationSigner(TimeProvider time)
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(10);

    private readonly byte[] _key = RandomNumberGenerator.GetBytes(32);

    public string CreatePath(string codeSha256)
    {
        var id = ToUrlId(codeSha256);
        var expires = time.GetUtcNow().Add(Lifetime).ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        return $"/_nimbus/code/{id}.zip?X-Amz-Expires={expires}&X-Amz-Signature={Sign(id, expires)}";
    }

    /// <summary>True when the signature is ours and has not expired; gives the package's CodeSha256.</summary>
    public bool TryValidate(string id, string? expires, string? signature, out string codeSha256)
    {
        codeSha256 = "";
        if (expires is null || signature is null || !long.TryParse(expires, NumberStyles.None, CultureInfo.InvariantCulture, out var unix))
        {
            return false;
        }

        if (time.GetUtcNow().ToUnixTimeSeconds() > unix)
        {
            return false;
        }

        var expected = Encoding.ASCII.GetBytes(Sign(id, expires));
        if (!CryptographicOperations.FixedTimeEquals(expected, Encoding.ASCII.GetBytes(signature)))
        {
            return false;
        }

        codeSha256 = Convert.ToBase64String(Base64Url.DecodeFromChars(id));
        return true;
    }

    private static string ToUrlId(string codeSha256) => Base64Url.EncodeToString(Convert.FromBase64String(codeSha256));

    private string Sign(string id, string expires) =>
        Convert.ToHexStringLower(HMACSHA256.HashData(_key, Encoding.ASCII.GetBytes($"{id}\n{expires}")));
}
