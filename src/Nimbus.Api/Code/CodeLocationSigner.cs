// SPDX-License-Identifier: Apache-2.0
using System.Buffers.Text;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Http;
using Nimbus.Api.Access;
using Nimbus.Api.Hosting;
using Nimbus.Core.Access.Signing;

namespace Nimbus.Api.Code;

/// <summary>
/// Makes and checks the presigned <c>Code.Location</c> URLs of GetFunction and GetLayerVersion in AWS's form: an S3
/// SigV4 presigned GET (X-Amz-Algorithm, X-Amz-Credential, X-Amz-Date, X-Amz-Expires=600, X-Amz-SignedHeaders=host,
/// X-Amz-Signature) that needs no other credentials, names one package and expires after 10 minutes. The signing key
/// is made at start and lives in memory only (never logged), so a restart invalidates outstanding URLs and a client
/// simply calls GetFunction again.
/// </summary>
internal sealed class CodeLocationSigner(TimeProvider time, RequestScope scopes, SigV4Verifier verifier)
{
    public const int ExpiresSeconds = 600;
    public const string PathPrefix = "/_nimbus/code/";
    public static readonly TimeSpan Lifetime = TimeSpan.FromSeconds(ExpiresSeconds);

    private const string Service = "s3";

    private readonly string _accessKeyId = "NIMBUSCODE" + Convert.ToHexString(RandomNumberGenerator.GetBytes(5));
    private readonly string _secretKey = Convert.ToBase64String(RandomNumberGenerator.GetBytes(30));

    /// <summary>The presigned URL of a package, for the scheme, host and region of <paramref name="request"/>.</summary>
    public string CreateUrl(HttpRequest request, string codeSha256)
    {
        var path = PathPrefix + ToUrlId(codeSha256) + ".zip";
        var region = scopes.For(request).Region;
        var query = SigV4Signer.PresignQuery(
            request.Host.Value ?? "", path, _accessKeyId, _secretKey, region, Service, time.GetUtcNow(), ExpiresSeconds, payloadHash: SigV4.UnsignedPayload, normalizePath: false);
        return $"{request.Scheme}://{request.Host}{path}?{query}";
    }

    /// <summary>Checks a request for <c>/_nimbus/code/{id}.zip</c>; on <see cref="CodeLocationVerdict.Valid"/> gives the package's CodeSha256.</summary>
    public CodeLocationVerdict Verify(HttpRequest request, string id, out string codeSha256)
    {
        codeSha256 = "";
        var signed = new HttpSignedRequest(request);
        if (!SigV4Parser.Parse(signed, out var authorization).IsValid
            || !authorization.IsPresigned
            || !authorization.Service.SequenceEqual(Service)
            || !authorization.SignedHeaders.SequenceEqual("host")
            || !authorization.Timestamp.AsSpan().StartsWith(authorization.Date)
            || !TryFromUrlId(id, out var sha))
        {
            return CodeLocationVerdict.Malformed;
        }

        if (!authorization.AccessKeyId.SequenceEqual(_accessKeyId))
        {
            return CodeLocationVerdict.UnknownAccessKey;
        }

        // The signature covers the path; the package served is the one the route names, so they must be the same.
        if (signed.RawPath != PathPrefix + id + ".zip")
        {
            return CodeLocationVerdict.SignatureDoesNotMatch;
        }

        // S3's presigned GETs sign UNSIGNED-PAYLOAD and the path as sent.
        var check = verifier.Verify(signed, authorization, _secretKey, SigV4.UnsignedPayload, time.GetUtcNow(), Service, normalizePath: false);
        switch (check.Status)
        {
            case SignatureStatus.Valid:
                codeSha256 = sha;
                return CodeLocationVerdict.Valid;
            case SignatureStatus.Expired:
                return CodeLocationVerdict.Expired;
            case SignatureStatus.Incomplete:
                return CodeLocationVerdict.Malformed;
            default:
                return CodeLocationVerdict.SignatureDoesNotMatch;
        }
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
