// SPDX-License-Identifier: Apache-2.0
using System.Globalization;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using Nimbus.Core.Access.Signing;

namespace Nimbus.TestKit;

/// <summary>
/// Signs every request with SigV4 as the AWS SDKs do (host, x-amz-date and the content type signed; the body hashed),
/// for tests and benchmarks that speak HTTP to Nimbus without an AWS SDK. Without a service named, SQS requests
/// (X-Amz-Target AmazonSQS.*, form posts) are signed for sqs and the rest for lambda. With <paramref name="chunkSize"/>,
/// bodies are streamed aws-chunked instead (STREAMING-AWS4-HMAC-SHA256-PAYLOAD, Content-Encoding aws-chunked,
/// x-amz-decoded-content-length, each chunk signed); <paramref name="tamper"/> may then change the encoded body, and
/// <paramref name="signDecodedLength"/> false leaves x-amz-decoded-content-length out of the signed headers.
/// </summary>
public sealed partial class SigV4SigningHandler(
    HttpMessageHandler inner,
    string? service = null,
    string region = "us-east-1",
    string accessKeyId = AwsClients.AccessKeyId,
    string secretAccessKey = AwsClients.SecretAccessKey,
    int? chunkSize = null,
    Action<byte[]>? tamper = null,
    bool signDecodedLength = true) : DelegatingHandler(inner)
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var body = request.Content is null ? [] : await request.Content.ReadAsByteArrayAsync(cancellationToken);
        var timestamp = DateTimeOffset.UtcNow.UtcDateTime.ToString(SigV4.TimestampFormat, CultureInfo.InvariantCulture);
        request.Headers.Remove(SigV4.DateHeader);
        request.Headers.TryAddWithoutValidation(SigV4.DateHeader, timestamp);
        var uri = request.RequestUri ?? throw new InvalidOperationException("The request has no URI.");
        var contentType = request.Content?.Headers.ContentType?.ToString();
        var signingService = service ?? ServiceOf(request, contentType);
        var chunked = chunkSize is not null && body.Length > 0;
        var headers = new Dictionary<string, string>(StringComparer.Ordinal) { ["x-amz-date"] = timestamp };
        if (contentType is not null)
        {
            headers["content-type"] = contentType;
        }

        if (chunked)
        {
            headers["content-encoding"] = SigV4.ContentEncodingAwsChunked;
            headers[SigV4.ContentSha256Header] = SigV4.StreamingPayload;
            request.Headers.TryAddWithoutValidation(SigV4.ContentSha256Header, SigV4.StreamingPayload);
            request.Headers.TryAddWithoutValidation(SigV4.DecodedContentLengthHeader, body.Length.ToString(CultureInfo.InvariantCulture));
            if (signDecodedLength)
            {
                headers[SigV4.DecodedContentLengthHeader] = body.Length.ToString(CultureInfo.InvariantCulture);
            }
        }

        var signed = new Signed(request.Method.Method, uri, headers);
        var signedHeaders = string.Join(';', headers.Keys.Append("host").Order(StringComparer.Ordinal));
        var payloadHash = chunked ? SigV4.StreamingPayload : Convert.ToHexStringLower(SHA256.HashData(body));
        var authorization = SigV4Signer.Authorization(signed, signedHeaders, accessKeyId, secretAccessKey, region, signingService, timestamp, payloadHash);
        request.Headers.Remove("Authorization");
        request.Headers.TryAddWithoutValidation("Authorization", authorization);
        if (chunked)
        {
            using var chain = AwsChunkedEncoding.ChainFor(authorization, secretAccessKey, timestamp, region, signingService);
            var encoded = AwsChunkedEncoding.Encode(body, chunkSize!.Value, chain);
            tamper?.Invoke(encoded);
            var content = new ByteArrayContent(encoded);
            if (contentType is not null)
            {
                content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
            }

            content.Headers.ContentEncoding.Add(SigV4.ContentEncodingAwsChunked);
            request.Content = content;
        }
        else if (tamper is not null && request.Content is not null)
        {
            var changed = body.ToArray();
            tamper(changed);
            var content = new ByteArrayContent(changed);
            foreach (var (name, values) in request.Content.Headers)
            {
                content.Headers.TryAddWithoutValidation(name, values);
            }

            request.Content = content;
        }

        return await base.SendAsync(request, cancellationToken);
    }

    /// <summary>sqs for SQS's JSON and form posts outside the Lambda REST API (its paths begin with a date: /2015-03-31/...).</summary>
    private static string ServiceOf(HttpRequestMessage request, string? contentType) =>
        (request.Headers.TryGetValues("X-Amz-Target", out var targets) && targets.First().StartsWith("AmazonSQS.", StringComparison.Ordinal))
        || (!LambdaRestPath().IsMatch(request.RequestUri?.AbsolutePath ?? "")
            && ((contentType?.StartsWith("application/x-www-form-urlencoded", StringComparison.Ordinal) ?? false)
                || (contentType?.StartsWith("multipart/form-data", StringComparison.Ordinal) ?? false)))
            ? "sqs"
            : "lambda";

    [System.Text.RegularExpressions.GeneratedRegex(@"^/\d{4}-\d{2}-\d{2}/")]
    private static partial System.Text.RegularExpressions.Regex LambdaRestPath();

    private sealed class Signed(string method, Uri uri, Dictionary<string, string> headers) : ISignedRequest
    {
        public string Method => method;

        public string RawPath => uri.AbsolutePath;

        public string RawQuery => uri.Query.Length > 0 ? uri.Query[1..] : string.Empty;

        public string? GetHeader(ReadOnlySpan<char> name) => name is "host"
            ? (uri.IsDefaultPort ? uri.Host : $"{uri.Host}:{uri.Port.ToString(CultureInfo.InvariantCulture)}")
            : headers.GetAlternateLookup<ReadOnlySpan<char>>().TryGetValue(name, out var value) ? value : null;
    }
}
