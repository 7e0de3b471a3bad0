// SPDX-License-Identifier: Apache-2.0
using System.Globalization;
using System.Security.Cryptography;
using Nimbus.Core.Access.Signing;

namespace Nimbus.TestKit;

/// <summary>
/// Signs every request with SigV4 as the AWS SDKs do (host, x-amz-date and the content type signed; the body hashed),
/// for tests and benchmarks that speak HTTP to Nimbus without an AWS SDK. Without a service named, SQS requests
/// (X-Amz-Target AmazonSQS.*, form posts) are signed for sqs and the rest for lambda.
/// </summary>
public sealed class SigV4SigningHandler(
    HttpMessageHandler inner,
    string? service = null,
    string region = "us-east-1",
    string accessKeyId = AwsClients.AccessKeyId,
    string secretAccessKey = AwsClients.SecretAccessKey) : DelegatingHandler(inner)
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var body = request.Content is null ? [] : await request.Content.ReadAsByteArrayAsync(cancellationToken);
        var timestamp = DateTimeOffset.UtcNow.UtcDateTime.ToString(SigV4.TimestampFormat, CultureInfo.InvariantCulture);
        request.Headers.Remove(SigV4.DateHeader);
        request.Headers.TryAddWithoutValidation(SigV4.DateHeader, timestamp);
        var uri = request.RequestUri ?? throw new InvalidOperationException("The request has no URI.");
        var contentType = request.Content?.Headers.ContentType?.ToString();
        var signed = new Signed(request.Method.Method, uri, contentType, timestamp);
        var signedHeaders = contentType is null ? "host;x-amz-date" : "content-type;host;x-amz-date";
        var authorization = SigV4Signer.Authorization(
            signed, signedHeaders, accessKeyId, secretAccessKey, region, service ?? ServiceOf(request, contentType), timestamp, Convert.ToHexStringLower(SHA256.HashData(body)));
        request.Headers.Remove("Authorization");
        request.Headers.TryAddWithoutValidation("Authorization", authorization);
        return await base.SendAsync(request, cancellationToken);
    }

    private static string ServiceOf(HttpRequestMessage request, string? contentType) =>
        (request.Headers.TryGetValues("X-Amz-Target", out var targets) && targets.First().StartsWith("AmazonSQS.", StringComparison.Ordinal))
        || (contentType?.StartsWith("application/x-www-form-urlencoded", StringComparison.Ordinal) ?? false)
        || (contentType?.StartsWith("multipart/form-data", StringComparison.Ordinal) ?? false)
            ? "sqs"
            : "lambda";

    private sealed class Signed(string method, Uri uri, string? contentType, string timestamp) : ISignedRequest
    {
        public string Method => method;

        public string RawPath => uri.AbsolutePath;

        public string RawQuery => uri.Query.Length > 0 ? uri.Query[1..] : string.Empty;

        public string? GetHeader(ReadOnlySpan<char> name) => name switch
        {
            "host" => uri.IsDefaultPort ? uri.Host : $"{uri.Host}:{uri.Port.ToString(CultureInfo.InvariantCulture)}",
            "x-amz-date" => timestamp,
            "content-type" => contentType,
            _ => null,
        };
    }
}
