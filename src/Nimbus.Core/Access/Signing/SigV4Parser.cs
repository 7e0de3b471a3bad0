// SPDX-License-Identifier: Apache-2.0
using System.Globalization;
using System.Text;

namespace Nimbus.Core.Access.Signing;

/// <summary>
/// Reads a request's SigV4 authorization from its Authorization header or, failing that, a presigned query. Never
/// throws on malformed input: every failure is a <see cref="SignatureCheck"/> with the message AWS gives.
/// </summary>
public static class SigV4Parser
{
    private const string DateRequired = "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header.";

    // S3's AuthorizationQueryParametersError text; the other services answer presigned URLs rarely and their wording
    // for a partial one is not recorded anywhere we could find, so S3's is used for all.
    private const string QueryParametersRequired =
        "Query-string authentication version 4 requires the X-Amz-Algorithm, X-Amz-Credential, X-Amz-Signature, X-Amz-Date, X-Amz-SignedHeaders, and X-Amz-Expires parameters.";

    public static SignatureCheck Parse(ISignedRequest request, out SigV4Authorization authorization)
    {
        ArgumentNullException.ThrowIfNull(request);
        authorization = default;
        if (request.GetHeader(SigV4.AuthorizationHeader) is { } header)
        {
            return ParseHeader(request, header, out authorization);
        }

        if (request.RawQuery.Contains("X-Amz-", StringComparison.Ordinal))
        {
            return ParseQuery(request.RawQuery, out authorization);
        }

        return new SignatureCheck(SignatureStatus.Missing, "Missing Authentication Token");
    }

    private static SignatureCheck ParseHeader(ISignedRequest request, string header, out SigV4Authorization authorization)
    {
        authorization = default;
        var span = header.AsSpan();
        if (!span.StartsWith(SigV4.Algorithm, StringComparison.Ordinal)
            || (span.Length > SigV4.Algorithm.Length && span[SigV4.Algorithm.Length] != ' '))
        {
            // AWS's wording for another scheme (SigV2's "AWS key:signature", Basic ...) is not recorded; this says
            // what is wrong in the shape of its other IncompleteSignature messages.
            var scheme = span.IndexOf(' ') is var space and > 0 ? span[..space] : span;
            return Incomplete($"Unsupported Authorization Type. Authorization header must use the '{SigV4.Algorithm}' algorithm, not '{scheme}'. Authorization={header}");
        }

        Range credential = default, signedHeaders = default, signature = default;
        bool hasCredential = false, hasSignedHeaders = false, hasSignature = false;
        var offset = SigV4.Algorithm.Length;
        foreach (var range in span[offset..].Split(','))
        {
            var (start, length) = range.GetOffsetAndLength(span.Length - offset);
            var part = span.Slice(offset + start, length);
            var trimmedStart = offset + start + (part.Length - part.TrimStart().Length);
            part = part.Trim();
            var equals = part.IndexOf('=');
            if (equals <= 0)
            {
                continue;
            }

            var value = new Range(trimmedStart + equals + 1, trimmedStart + part.Length);
            switch (part[..equals])
            {
                case "Credential":
                    credential = value;
                    hasCredential = true;
                    break;
                case "SignedHeaders":
                    signedHeaders = value;
                    hasSignedHeaders = true;
                    break;
                case "Signature":
                    signature = value;
                    hasSignature = true;
                    break;
            }
        }

        var timestamp = request.GetHeader(SigV4.DateHeader) ?? FromHttpDate(request.GetHeader(SigV4.HttpDateHeader));
        if (!hasCredential || !hasSignedHeaders || !hasSignature || timestamp is null)
        {
            // One sentence per missing part, in this order, then the header as sent: API Gateway's wording, which
            // Lambda's endpoint answers with.
            var message = new StringBuilder();
            if (!hasCredential)
            {
                message.Append("Authorization header requires 'Credential' parameter. ");
            }

            if (!hasSignature)
            {
                message.Append("Authorization header requires 'Signature' parameter. ");
            }

            if (!hasSignedHeaders)
            {
                message.Append("Authorization header requires 'SignedHeaders' parameter. ");
            }

            if (timestamp is null)
            {
                message.Append(DateRequired).Append(' ');
            }

            message.Append("Authorization=").Append(header);
            return Incomplete(message.ToString());
        }

        return Build(header, credential, signedHeaders, signature, timestamp, request.GetHeader(SigV4.SecurityTokenHeader), null, out authorization);
    }

    private static SignatureCheck ParseQuery(string query, out SigV4Authorization authorization)
    {
        authorization = default;
        string? algorithm = null, credential = null, date = null, expires = null, signedHeaders = null, signature = null, token = null;
        foreach (var range in query.AsSpan().Split('&'))
        {
            var pair = query.AsSpan()[range];
            var equals = pair.IndexOf('=');
            if (equals <= 0)
            {
                continue;
            }

            var value = Uri.UnescapeDataString(pair[(equals + 1)..].ToString());
            switch (pair[..equals])
            {
                case SigV4.AlgorithmParameter:
                    algorithm = value;
                    break;
                case SigV4.CredentialParameter:
                    credential = value;
                    break;
                case SigV4.DateParameter:
                    date = value;
                    break;
                case SigV4.ExpiresParameter:
                    expires = value;
                    break;
                case SigV4.SignedHeadersParameter:
                    signedHeaders = value;
                    break;
                case SigV4.SignatureParameter:
                    signature = value;
                    break;
                case SigV4.SecurityTokenParameter:
                    token = value;
                    break;
            }
        }

        if (algorithm is null || credential is null || date is null || expires is null || signedHeaders is null || signature is null)
        {
            return Incomplete(QueryParametersRequired);
        }

        if (algorithm != SigV4.Algorithm)
        {
            // S3's text for X-Amz-Algorithm other than AWS4-HMAC-SHA256.
            return Incomplete($"X-Amz-Algorithm only supports \"{SigV4.Algorithm}\"");
        }

        if (!int.TryParse(expires, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds) || seconds < 1 || seconds > SigV4.MaxPresignedExpirySeconds)
        {
            // S3's texts for X-Amz-Expires out of range.
            return Incomplete(seconds < 1
                ? "X-Amz-Expires must be non-negative"
                : "X-Amz-Expires must be less than a week (in seconds) that is 604800");
        }

        var source = string.Concat(credential, "\n", signedHeaders, "\n", signature);
        var credentialRange = new Range(0, credential.Length);
        var signedHeadersRange = new Range(credential.Length + 1, credential.Length + 1 + signedHeaders.Length);
        var signatureRange = new Range(source.Length - signature.Length, source.Length);
        return Build(source, credentialRange, signedHeadersRange, signatureRange, date, token, seconds, out authorization);
    }

    /// <summary>Splits the credential (<c>key/date/region/service/aws4_request</c>) and checks each part's shape.</summary>
    private static SignatureCheck Build(string source, Range credential, Range signedHeaders, Range signature, string timestamp, string? token, int? expires, out SigV4Authorization authorization)
    {
        authorization = default;
        var text = source.AsSpan()[credential];
        var start = credential.Start.GetOffset(source.Length);
        Span<Range> parts = stackalloc Range[6];
        var count = text.Split(parts, '/');
        if (count != 5 || text[parts[0]].IsEmpty || text[parts[1]].Length != 8 || text[parts[2]].IsEmpty || text[parts[3]].IsEmpty)
        {
            // AWS's wording for a credential without five parts is not recorded; AWS's for a bad terminator is below.
            return Incomplete($"Credential should be scoped to a valid region, service and date: '{text}'. Authorization={source}");
        }

        if (!text[parts[4]].SequenceEqual(SigV4.Terminator))
        {
            return Incomplete($"Credential should be scoped with a valid terminator: '{SigV4.Terminator}', not '{text[parts[4]]}'. ");
        }

        var accessKey = new Range(start, start + parts[0].End.GetOffset(text.Length));
        var scope = new Range(start + parts[1].Start.GetOffset(text.Length), start + text.Length);
        // A signature that is not 64 hex digits can never match: the verifier answers it as a mismatch, as AWS does.
        authorization = new SigV4Authorization(source, accessKey, scope, signedHeaders, signature, timestamp, token, expires);
        return SignatureCheck.Valid;
    }

    private static string? FromHttpDate(string? date) =>
        date is not null && DateTimeOffset.TryParseExact(date, "r", CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal, out var parsed)
            ? parsed.UtcDateTime.ToString(SigV4.TimestampFormat, CultureInfo.InvariantCulture)
            : null;

    private static SignatureCheck Incomplete(string message) => new(SignatureStatus.Incomplete, message);
}
