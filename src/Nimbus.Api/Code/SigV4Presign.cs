// SPDX-License-Identifier: Apache-2.0
using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Nimbus.Api.Code;

/// <summary>
/// Signature Version 4 for presigned GET URLs, as S3 computes them ("Authenticating Requests: Using Query Parameters"):
/// the only signed header is <c>host</c> and the payload is <c>UNSIGNED-PAYLOAD</c>.
/// </summary>
internal static class SigV4Presign
{
    public const string Algorithm = "AWS4-HMAC-SHA256";
    public const string AlgorithmParameter = "X-Amz-Algorithm";
    public const string CredentialParameter = "X-Amz-Credential";
    public const string DateParameter = "X-Amz-Date";
    public const string ExpiresParameter = "X-Amz-Expires";
    public const string SignedHeadersParameter = "X-Amz-SignedHeaders";
    public const string SignatureParameter = "X-Amz-Signature";
    public const string DateFormat = "yyyyMMdd'T'HHmmss'Z'";

    /// <summary>The signed query parameters in canonical (ordinal) order, each value not yet encoded.</summary>
    public static IReadOnlyList<(string Name, string Value)> Parameters(string accessKeyId, DateTimeOffset date, string region, string service, int expiresSeconds) =>
    [
        (AlgorithmParameter, Algorithm),
        (CredentialParameter, $"{accessKeyId}/{Scope(date, region, service)}"),
        (DateParameter, date.UtcDateTime.ToString(DateFormat, CultureInfo.InvariantCulture)),
        (ExpiresParameter, expiresSeconds.ToString(CultureInfo.InvariantCulture)),
        (SignedHeadersParameter, "host"),
    ];

    /// <summary>The hex signature of a GET of <paramref name="path"/> (already URI-encoded) with the given query.</summary>
    public static string Signature(byte[] secretKey, string host, string path, IEnumerable<(string Name, string Value)> query, DateTimeOffset date, string region, string service)
    {
        var canonicalRequest = $"GET\n{path}\n{CanonicalQuery(query)}\nhost:{host.Trim()}\n\nhost\nUNSIGNED-PAYLOAD";
        var stringToSign = $"{Algorithm}\n{date.UtcDateTime.ToString(DateFormat, CultureInfo.InvariantCulture)}\n{Scope(date, region, service)}\n"
            + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(canonicalRequest)));
        var key = HMACSHA256.HashData((byte[])[.. "AWS4"u8, .. secretKey], Encoding.ASCII.GetBytes(date.UtcDateTime.ToString("yyyyMMdd", CultureInfo.InvariantCulture)));
        key = HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(region));
        key = HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(service));
        key = HMACSHA256.HashData(key, "aws4_request"u8.ToArray());
        return Convert.ToHexStringLower(HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(stringToSign)));
    }

    /// <summary>Name=value pairs sorted by name, both URI-encoded, joined by '&amp;'.</summary>
    public static string CanonicalQuery(IEnumerable<(string Name, string Value)> query) =>
        string.Join('&', query.Select(p => (Name: Encode(p.Name), Value: Encode(p.Value))).OrderBy(p => p.Name, StringComparer.Ordinal).ThenBy(p => p.Value, StringComparer.Ordinal).Select(p => $"{p.Name}={p.Value}"));

    /// <summary>SigV4's URI encoding: every byte but A-Z a-z 0-9 - _ . ~ as %XX (upper-case hex).</summary>
    public static string Encode(string value)
    {
        var encoded = new StringBuilder(value.Length);
        foreach (var b in Encoding.UTF8.GetBytes(value))
        {
            if (b is >= (byte)'A' and <= (byte)'Z' or >= (byte)'a' and <= (byte)'z' or >= (byte)'0' and <= (byte)'9' or (byte)'-' or (byte)'_' or (byte)'.' or (byte)'~')
            {
                encoded.Append((char)b);
            }
            else
            {
                encoded.Append('%').Append(b.ToString("X2", CultureInfo.InvariantCulture));
            }
        }

        return encoded.ToString();
    }

    private static string Scope(DateTimeOffset date, string region, string service) =>
        $"{date.UtcDateTime.ToString("yyyyMMdd", CultureInfo.InvariantCulture)}/{region}/{service}/aws4_request";
}
