// SPDX-License-Identifier: Apache-2.0
using System.Buffers.Text;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;
using Nimbus.Api.Hosting;

namespace Nimbus.Api.Code;

/// <summary>
/// Makes and checks the presigned <c>Code.Location</c> URLs of GetFunction and GetLayerVersion in AWS's form: an S3
/// SigV4 presigned GET (X-Amz-Algorithm, X-Amz-Credential, X-Amz-Date, X-Amz-Expires=600, X-Amz-SignedHeaders=host,
/// X-Amz-Signature) that needs no other credentials, names one package and expires after 10 minutes. The signing key
/// is made at start and lives in memory only (never logged), so a restart invalidates outstanding URLs and a client
/// simply calls GetFunction again.
/// </summary>
internal sealed class CodeLocationSigner(TimeProvider time, RequestScope scopes)
{
    public const int ExpiresSeconds = 600;
    public const string PathPrefix = "/_nimbus/code/";
    public static readonly TimeSpan Lifetime = TimeSpan.FromSeconds(ExpiresSeconds);

    /// <summary>SigV4 allows a presigned URL to live a week at most; S3 refuses a longer X-Amz-Expires.</summary>
    private const int MaxExpiresSeconds = 604800;
    private const string Service = "s3";

    private readonly string _accessKeyId = "NIMBUSCODE" + Convert.ToHexString(RandomNumberGenerator.GetBytes(5));
    private readonly byte[] _secretKey = Encoding.ASCII.GetBytes(Convert.ToBase64String(RandomNumberGenerator.GetBytes(30)));

    /// <summary>The presigned URL of a package, for the scheme, host and region of <paramref name="request"/>.</summary>
    public string CreateUrl(HttpRequest request, string codeSha256)
    {
        var path = PathPrefix + ToUrlId(codeSha256) + ".zip";
        var now = time.GetUtcNow();
        var date = new DateTimeOffset(now.Year, now.Month, now.Day, now.Hour, now.Minute, now.Second, TimeSpan.Zero);
        var region = scopes.For(request).Region;
        var query = SigV4Presign.Parameters(_accessKeyId, date, region, Service, ExpiresSeconds);
        var signature = SigV4Presign.Signature(_secretKey, request.Host.Value ?? "", path, query, date, region, Service);
        return $"{request.Scheme}://{request.Host}{path}?{SigV4Presign.CanonicalQuery(query)}&{SigV4Presign.SignatureParameter}={signature}";
    }

    /// <summary>Checks a request for <c>/_nimbus/code/{id}.zip</c>; on <see cref="CodeLocationVerdict.Valid"/> gives the package's CodeSha256.</summary>
    public CodeLocationVerdict Verify(HttpRequest request, string id, out string codeSha256)
    {
        codeSha256 = "";
        var query = request.Query;
        var signed = new List<(string, string)>();
        foreach (var (name, values) in query)
        {
            if (name != SigV4Presign.SignatureParameter)
            {
                signed.AddRange(values.Select(v => (name, v ?? "")));
            }
        }

        string? Single(string name) => query.TryGetValue(name, out var values) && values.Count == 1 ? values[0] : null;
        var credential = Single(SigV4Presign.CredentialParameter)?.Split('/');
        if (Single(SigV4Presign.AlgorithmParameter) != SigV4Presign.Algorithm
            || credential is not [var keyId, var day, var region, Service, "aws4_request"]
            || !DateTimeOffset.TryParseExact(Single(SigV4Presign.DateParameter), SigV4Presign.DateFormat, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var date)
            || date.UtcDateTime.ToString("yyyyMMdd", CultureInfo.InvariantCulture) != day
            || !int.TryParse(Single(SigV4Presign.ExpiresParameter), NumberStyles.None, CultureInfo.InvariantCulture, out var expires)
            || expires is < 1 or > MaxExpiresSeconds
            || Single(SigV4Presign.SignedHeadersParameter) != "host"
            || Single(SigV4Presign.SignatureParameter) is not { } signature
            || !TryFromUrlId(id, out var sha))
        {
            return CodeLocationVerdict.Malformed;
        }

        if (keyId != _accessKeyId)
        {
            return CodeLocationVerdict.UnknownAccessKey;
        }

        var expected = SigV4Presign.Signature(_secretKey, request.Host.Value ?? "", PathPrefix + id + ".zip", signed, date, region, Service);
        if (!CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(expected), Encoding.ASCII.GetBytes(signature)))
        {
            return CodeLocationVerdict.SignatureDoesNotMatch;
        }

        if (time.GetUtcNow() > date.AddSeconds(expires))
        {
            return CodeLocationVerdict.Expired;
        }

        codeSha256 = sha;
        return CodeLocationVerdict.Valid;
    }

    private static string ToUrlId(string codeSha256) => Base64Url.EncodeToString(Convert.FromBase64String(codeSha256));

    private static bool TryFromUrlId(string id, out string codeSha256)
    {
        codeSha256 = "";
        // TryDecodeFromChars throws on characters outside the alphabet; IsValid does not.
        if (!Base64Url.IsValid(id, out var length) || length != 32)
        {
            return false;
        }

        codeSha256 = Convert.ToBase64String(Base64Url.DecodeFromChars(id));
        return true;
    }
}
