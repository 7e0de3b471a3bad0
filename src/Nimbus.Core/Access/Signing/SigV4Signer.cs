// SPDX-License-Identifier: Apache-2.0
using System.Globalization;
using System.Text;

namespace Nimbus.Core.Access.Signing;

/// <summary>
/// Signs requests as the AWS SDKs do, with the same canonical request the verifier checks: presigned URLs that Nimbus
/// hands out (GetFunction's Code.Location) and Authorization headers for requests Nimbus itself makes.
/// </summary>
public static class SigV4Signer
{
    /// <summary>
    /// The query of a presigned GET of <paramref name="rawPath"/> on <paramref name="host"/>, valid for
    /// <paramref name="expiresSeconds"/> from <paramref name="now"/>: X-Amz-Algorithm, -Credential, -Date, -Expires,
    /// -SignedHeaders=host (and -Security-Token) with X-Amz-Signature last, as SigV4QueryAuth writes them. S3's form
    /// signs UNSIGNED-PAYLOAD and the path as sent (<paramref name="payloadHash"/>, <paramref name="normalizePath"/>).
    /// </summary>
    public static string PresignQuery(
        string host,
        string rawPath,
        string accessKeyId,
        string secretAccessKey,
        string region,
        string service,
        DateTimeOffset now,
        int expiresSeconds,
        string? securityToken = null,
        string payloadHash = SigV4.EmptyPayloadSha256,
        bool normalizePath = true)
    {
        ArgumentException.ThrowIfNullOrEmpty(accessKeyId);
        ArgumentOutOfRangeException.ThrowIfLessThan(expiresSeconds, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(expiresSeconds, SigV4.MaxPresignedExpirySeconds);
        var timestamp = now.UtcDateTime.ToString(SigV4.TimestampFormat, CultureInfo.InvariantCulture);
        var scope = $"{timestamp[..8]}/{region}/{service}/{SigV4.Terminator}";
        var query = new StringBuilder()
            .Append(SigV4.AlgorithmParameter).Append('=').Append(SigV4.Algorithm)
            .Append('&').Append(SigV4.CredentialParameter).Append('=').Append(Uri.EscapeDataString($"{accessKeyId}/{scope}"))
            .Append('&').Append(SigV4.DateParameter).Append('=').Append(timestamp)
            .Append('&').Append(SigV4.ExpiresParameter).Append('=').Append(expiresSeconds.ToString(CultureInfo.InvariantCulture))
            .Append('&').Append(SigV4.SignedHeadersParameter).Append("=host");
        if (securityToken is not null)
        {
            query.Append('&').Append(SigV4.SecurityTokenParameter).Append('=').Append(Uri.EscapeDataString(securityToken));
        }

        var unsigned = query.ToString();
        var request = new PresignedGet(host, rawPath, unsigned);
        var source = $"{accessKeyId}/{scope}\nhost\n";
        var authorization = new SigV4Authorization(
            source,
            new Range(0, accessKeyId.Length),
            new Range(accessKeyId.Length + 1, accessKeyId.Length + 1 + scope.Length),
            new Range(source.Length - 5, source.Length - 1),
            new Range(source.Length, source.Length),
            timestamp,
            securityToken,
            expiresSeconds);

        Span<byte> signature = stackalloc byte[32];
        var key = SigningKeyCache.Derive(secretAccessKey, timestamp.AsSpan(0, 8), region, service);
        SigV4Verifier.Compute(request, authorization, key, payloadHash, normalizePath, signature);
        return $"{unsigned}&{SigV4.SignatureParameter}={Convert.ToHexStringLower(signature)}";
    }

    /// <summary>
    /// The Authorization header for <paramref name="request"/>, signing the headers named in
    /// <paramref name="signedHeaders"/> (lower case, sorted, ';'-separated; the request must carry X-Amz-Date =
    /// <paramref name="timestamp"/> and every header named).
    /// </summary>
    public static string Authorization(
        ISignedRequest request,
        string signedHeaders,
        string accessKeyId,
        string secretAccessKey,
        string region,
        string service,
        string timestamp,
        string payloadHash)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentException.ThrowIfNullOrEmpty(timestamp);
        var scope = $"{timestamp[..8]}/{region}/{service}/{SigV4.Terminator}";
        var source = $"{accessKeyId}/{scope}\n{signedHeaders}\n";
        var authorization = new SigV4Authorization(
            source,
            new Range(0, accessKeyId.Length),
            new Range(accessKeyId.Length + 1, accessKeyId.Length + 1 + scope.Length),
            new Range(source.Length - 1 - signedHeaders.Length, source.Length - 1),
            new Range(source.Length, source.Length),
            timestamp,
            null,
            null);
        Span<byte> signature = stackalloc byte[32];
        var key = SigningKeyCache.Derive(secretAccessKey, timestamp.AsSpan(0, 8), region, service);
        SigV4Verifier.Compute(request, authorization, key, payloadHash, normalizePath: true, signature);
        return $"{SigV4.Algorithm} Credential={accessKeyId}/{scope}, SignedHeaders={signedHeaders}, Signature={Convert.ToHexStringLower(signature)}";
    }

    /// <summary>A GET with no body and only a Host header: what a presigned URL signs.</summary>
    private sealed class PresignedGet(string host, string rawPath, string rawQuery) : ISignedRequest
    {
        public string Method => "GET";

        public string RawPath => rawPath;

        public string RawQuery => rawQuery;

        public string? GetHeader(ReadOnlySpan<char> name) => name is "host" ? host : null;
    }
}
