// SPDX-License-Identifier: Apache-2.0
using System.Globalization;
using System.Security.Cryptography;

namespace Nimbus.Core.Access.Signing;

/// <summary>
/// Verifies a parsed SigV4 authorization against the request and the access key's secret: the date within 15 minutes
/// (or a presigned URL within its X-Amz-Expires), the scope's date and service, Host signed, and the signature
/// recomputed and compared in constant time. With a cached signing key, a verification allocates nothing.
/// </summary>
public sealed class SigV4Verifier(SigningKeyCache keys)
{
    /// <param name="payloadHash">
    /// The hex SHA-256 of the body, or the literal the client signed instead (UNSIGNED-PAYLOAD, the streaming forms);
    /// the caller checks a hash named in x-amz-content-sha256 against the body before passing it here.
    /// </param>
    /// <param name="expectedService">The signing name of the API called (lambda, sqs ...); null accepts any.</param>
    /// <param name="normalizePath">False for S3-style URLs, whose path is signed as sent.</param>
    public SignatureCheck Verify(ISignedRequest request, in SigV4Authorization authorization, string secretAccessKey, ReadOnlySpan<char> payloadHash, DateTimeOffset now, string? expectedService, bool normalizePath = true)
    {
        ArgumentNullException.ThrowIfNull(request);
        var timestamp = authorization.Timestamp;
        if (!DateTimeOffset.TryParseExact(timestamp, SigV4.TimestampFormat, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var signedAt))
        {
            // AWS's text for an X-Amz-Date that is not ISO 8601 basic format.
            return Fail(SignatureStatus.Incomplete, $"Date must be in ISO-8601 'basic format'. Got '{timestamp}'. See http://en.wikipedia.org/wiki/ISO_8601");
        }

        if (!authorization.Date.SequenceEqual(timestamp.AsSpan(0, 8)))
        {
            return Fail(
                SignatureStatus.Mismatch,
                $"Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '{authorization.Date}' != '{timestamp.AsSpan(0, 8)}', from '{timestamp}'.");
        }

        if (expectedService is not null && !authorization.Service.SequenceEqual(expectedService))
        {
            return Fail(SignatureStatus.WrongScope, $"Credential should be scoped to correct service: '{expectedService}'. ");
        }

        // A signed request's date is checked first; a presigned URL's signature is, so that a URL changed on the way
        // is told apart from one that is merely old.
        if (!authorization.IsPresigned && CheckTime(authorization, signedAt, now) is { } late)
        {
            return late;
        }

        if (!SignsHost(authorization.SignedHeaders))
        {
            return Fail(SignatureStatus.Incomplete, "'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization.");
        }

        Span<byte> expected = stackalloc byte[32];
        Compute(request, authorization, keys.Get(authorization.AccessKeyId, secretAccessKey, authorization.Date, authorization.Region, authorization.Service), payloadHash, normalizePath, expected);

        Span<byte> given = stackalloc byte[32];
        var signature = authorization.Signature;
        var matches = signature.Length == 64
            && Convert.FromHexString(signature, given, out _, out var written) == System.Buffers.OperationStatus.Done
            && written == 32
            && CryptographicOperations.FixedTimeEquals(expected, given);
        if (matches && authorization.IsPresigned && CheckTime(authorization, signedAt, now) is { } expired)
        {
            return expired;
        }

        return matches
            ? SignatureCheck.Valid
            : Fail(SignatureStatus.Mismatch, SigV4.SignatureMismatchMessage);
    }

    /// <summary>
    /// The chain that verifies an aws-chunked body's chunk signatures, seeded with <paramref name="authorization"/>'s
    /// signature; call after <see cref="Verify"/> accepted it (the signing key is then cached).
    /// </summary>
    public ChunkSignatureChain StartChunks(in SigV4Authorization authorization, string secretAccessKey)
    {
        Span<byte> seed = stackalloc byte[32];
        if (Convert.FromHexString(authorization.Signature, seed, out _, out var written) != System.Buffers.OperationStatus.Done || written != 32)
        {
            throw new ArgumentException("The authorization's signature is not 64 hex digits; verify it first.", nameof(authorization));
        }

        var key = keys.GetArray(authorization.AccessKeyId, secretAccessKey, authorization.Date, authorization.Region, authorization.Service);
        return new ChunkSignatureChain(key, authorization.Timestamp, authorization.Scope, seed);
    }

    /// <summary>The signature of <paramref name="request"/> under <paramref name="signingKey"/>, into 32 bytes.</summary>
    internal static void Compute(ISignedRequest request, in SigV4Authorization authorization, ReadOnlySpan<byte> signingKey, ReadOnlySpan<char> payloadHash, bool normalizePath, Span<byte> signature)
    {
        Span<byte> canonicalHash = stackalloc byte[32];
        var canonical = new ByteWriter(1024);
        try
        {
            CanonicalRequest.Write(ref canonical, request, authorization.SignedHeaders, payloadHash, normalizePath, authorization.IsPresigned);
            SHA256.HashData(canonical.Written, canonicalHash);
        }
        finally
        {
            canonical.Dispose();
        }

        var toSign = new ByteWriter(256);
        try
        {
            toSign.WriteAscii(SigV4.Algorithm);
            toSign.Write((byte)'\n');
            toSign.WriteAscii(authorization.Timestamp);
            toSign.Write((byte)'\n');
            toSign.WriteAscii(authorization.Scope);
            toSign.Write((byte)'\n');
            toSign.WriteHex(canonicalHash);
            HMACSHA256.HashData(signingKey, toSign.Written, signature);
        }
        finally
        {
            toSign.Dispose();
        }
    }

    private static SignatureCheck? CheckTime(in SigV4Authorization authorization, DateTimeOffset signedAt, DateTimeOffset now)
    {
        if (authorization.ExpiresSeconds is { } expires)
        {
            if (now > signedAt.AddSeconds(expires))
            {
                // S3's text for an expired presigned URL.
                return Fail(SignatureStatus.Expired, "Request has expired");
            }

            if (signedAt > now + SigV4.MaxClockSkew)
            {
                return Fail(SignatureStatus.Expired, NotYetCurrent(authorization.Timestamp, now));
            }

            return null;
        }

        // AWS's texts: "Signature expired: 20150830T123600Z is now earlier than 20150830T124100Z (20150830T125600Z - 15 min.)"
        // and "Signature not yet current: ... is still later than ... (... + 15 min.)".
        if (signedAt < now - SigV4.MaxClockSkew)
        {
            return Fail(
                SignatureStatus.Expired,
                $"Signature expired: {authorization.Timestamp} is now earlier than {Format(now - SigV4.MaxClockSkew)} ({Format(now)} - 15 min.)");
        }

        return signedAt > now + SigV4.MaxClockSkew ? Fail(SignatureStatus.Expired, NotYetCurrent(authorization.Timestamp, now)) : null;
    }

    private static string NotYetCurrent(string timestamp, DateTimeOffset now) =>
        $"Signature not yet current: {timestamp} is still later than {Format(now + SigV4.MaxClockSkew)} ({Format(now)} + 15 min.)";

    private static bool SignsHost(ReadOnlySpan<char> signedHeaders)
    {
        foreach (var range in signedHeaders.Split(';'))
        {
            if (signedHeaders[range] is "host" or ":authority")
            {
                return true;
            }
        }

        return false;
    }

    private static string Format(DateTimeOffset time) => time.UtcDateTime.ToString(SigV4.TimestampFormat, CultureInfo.InvariantCulture);

    private static SignatureCheck Fail(SignatureStatus status, string message) => new(status, message);
}
