// SPDX-License-Identifier: Apache-2.0
using System.IO.Pipelines;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;
using Nimbus.Api.FunctionUrls;
using Nimbus.Api.Hosting;
using Nimbus.Core.Access;
using Nimbus.Core.Access.Credentials;
using Nimbus.Core.Access.Signing;
using Nimbus.Core.Errors;

namespace Nimbus.Api.Access;

/// <summary>
/// Authenticates every request by its SigV4 signature (Authorization header or presigned query) against the keys in
/// the <see cref="CredentialDirectory"/>, before any API sees it, and records the <see cref="CallerIdentity"/>.
/// Exempt: the health check, code-download URLs, which carry a signature of Nimbus's own (as S3's presigned
/// URLs in Code.Location do on AWS), and function URLs, which authenticate by their AuthType
/// (FunctionUrlHandler). With Auth=off every request acts as the account's root.
/// </summary>
internal sealed class SigV4AuthenticationMiddleware(RequestDelegate next, CredentialDirectory credentials, SigV4Verifier verifier, IOptions<ApiOptions> options, TimeProvider time)
{
    private const string InvalidToken = "The security token included in the request is invalid.";
    private const string PayloadMismatch = "The provided 'x-amz-content-sha256' header does not match what was computed.";

    /// <summary>Bodies up to this size are hashed in the request's pipe; larger ones through a buffering stream.</summary>
    private const long PeekLimit = 256 * 1024;

    private readonly ApiOptions _options = options.Value;
    private readonly CallerIdentity _rootWhenOff = CallerIdentity.ForArn($"arn:aws:iam::{options.Value.AccountId}:root", options.Value.AccountId);

    public async Task InvokeAsync(HttpContext context)
    {
        var path = context.Request.Path;
        if (path.StartsWithSegments("/_nimbus/health") || path.StartsWithSegments("/_nimbus/code") || FunctionUrlAddress.IsFunctionUrl(context.Request))
        {
            await next(context);
            return;
        }

        if (!_options.Authenticate)
        {
            context.Features.Set(_rootWhenOff);
            await next(context);
            return;
        }

        var request = new HttpSignedRequest(context.Request);
        var check = SigV4Parser.Parse(request, out var authorization);
        if (!check.IsValid)
        {
            await AuthErrors.WriteAsync(context, check.Status, check.Message ?? check.Status.ToString());
            return;
        }

        var now = time.GetUtcNow();
        if (!credentials.TryGet(authorization.AccessKeyId, now, out var credential) || !credential.IsActive || !SameToken(credential.SessionToken, authorization.SecurityToken))
        {
            await AuthErrors.WriteAsync(context, SignatureStatus.UnknownKey, InvalidToken);
            return;
        }

        string? hash;
        try
        {
            hash = await PayloadHashAsync(context.Request, context.RequestAborted);
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            // Larger than any API takes: refused as AWS's front door refuses it, before the signature matters.
            var limit = context.Features.Get<IHttpMaxRequestBodySizeFeature>()?.MaxRequestBodySize;
            await AwsErrorMiddleware.WriteAsync(
                context,
                new LambdaException(LambdaErrors.RequestEntityTooLargeType, StatusCodes.Status413PayloadTooLarge, $"Request must be smaller than {limit} bytes"));
            return;
        }

        if (hash is null)
        {
            await AuthErrors.WriteAsync(context, SignatureStatus.PayloadMismatch, PayloadMismatch);
            return;
        }

        check = verifier.Verify(request, authorization, credential.SecretAccessKey, hash, now, ExpectedService(context.Request));
        if (!check.IsValid)
        {
            await AuthErrors.WriteAsync(context, check.Status, check.Message ?? check.Status.ToString());
            return;
        }

        context.Features.Set(credential.Identity);
        await next(context);
    }

    /// <summary>
    /// What the client signed as the payload: the hex SHA-256 of the body as received, or the literal it names in
    /// x-amz-content-sha256 (UNSIGNED-PAYLOAD, the streaming forms). Null when that header names a hash the body
    /// does not have. The body is buffered so the API reads it again.
    /// </summary>
    private static async Task<string?> PayloadHashAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        var declared = request.Headers[SigV4.ContentSha256Header].ToString();
        if (declared.Length > 0 && declared.Length != 64)
        {
            return declared;
        }

        string actual;
        if (request.ContentLength == 0 || (request.ContentLength is null && !request.Headers.ContainsKey("Transfer-Encoding")))
        {
            actual = SigV4.EmptyPayloadSha256;
        }
        else if (request.ContentLength <= PeekLimit)
        {
            actual = await PeekHashAsync(request.BodyReader, cancellationToken);
        }
        else
        {
            // Larger bodies would fill Kestrel's request buffer unread: they are buffered (to disk past 30 KB) instead.
            request.EnableBuffering();
            var digest = new byte[32];
            await SHA256.HashDataAsync(request.Body, digest, cancellationToken);
            request.Body.Position = 0;
            actual = Convert.ToHexStringLower(digest);
        }

        return declared.Length == 0 || declared.Equals(actual, StringComparison.OrdinalIgnoreCase) ? actual : null;
    }

    /// <summary>
    /// Hashes the whole body where it arrived, in the request's pipe, without consuming it: the API reads the same
    /// bytes afterwards, with nothing copied. Only for bodies well inside Kestrel's request buffer (1 MB), which would
    /// otherwise stop reading from the socket while the body waits unconsumed.
    /// </summary>
    private static async Task<string> PeekHashAsync(PipeReader body, CancellationToken cancellationToken)
    {
        while (true)
        {
            var read = await body.ReadAsync(cancellationToken);
            if (!read.IsCompleted)
            {
                body.AdvanceTo(read.Buffer.Start, read.Buffer.End);
                continue;
            }

            var buffer = read.Buffer;
            Span<byte> digest = stackalloc byte[32];
            if (buffer.IsSingleSegment)
            {
                SHA256.HashData(buffer.FirstSpan, digest);
            }
            else
            {
                using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
                foreach (var segment in buffer)
                {
                    hash.AppendData(segment.Span);
                }

                hash.GetHashAndReset(digest);
            }

            body.AdvanceTo(buffer.Start, buffer.Start);
            return Convert.ToHexStringLower(digest);
        }
    }

    /// <summary>The signing name of the API a request is for; null where any is accepted.</summary>
    private static string? ExpectedService(HttpRequest request)
    {
        if (request.Headers["X-Amz-Target"].ToString().StartsWith("AmazonSQS.", StringComparison.Ordinal)
            || (HttpMethods.IsPost(request.Method) && request.HasFormContentType))
        {
            return "sqs";
        }

        return request.Path.Value is { } path && path.StartsWith("/20", StringComparison.Ordinal) ? "lambda" : null;
    }

    private static bool SameToken(string? expected, string? given) =>
        expected is null
        || (given is not null && CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(expected), Encoding.UTF8.GetBytes(given)));
}
