// SPDX-License-Identifier: Apache-2.0
using System.Globalization;
using System.IO.Pipelines;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;
using Nimbus.Api.FunctionUrls;
using Nimbus.Api.Hosting;
using Nimbus.Api.Prometheus;
using Nimbus.Core.Access;
using Nimbus.Core.Access.Credentials;
using Nimbus.Core.Access.Signing;

namespace Nimbus.Api.Access;

/// <summary>
/// Authenticates every request by its SigV4 signature (Authorization header or presigned query) against the keys in
/// the <see cref="CredentialDirectory"/>, before any API sees it, and records the <see cref="CallerIdentity"/>.
/// An aws-chunked body (x-amz-content-sha256 STREAMING-…) is replaced by its decoded payload, whose chunk signatures
/// are verified as the API reads it. Exempt: the health check, and code-download URLs, which carry a signature of
/// Nimbus's own (as S3's presigned URLs in Code.Location do on AWS), the Prometheus page (GET /metrics exactly, unless
/// turned off), function URLs, which authenticate by their AuthType (FunctionUrlHandler), and the container
/// registry, which authenticates as ECR's does (RegistryMiddleware). With Auth=off every request acts as the account's
/// root. A request whose body is already buffered is checked without an async state machine or a string allocated.
/// </summary>
internal sealed class SigV4AuthenticationMiddleware(RequestDelegate next, CredentialDirectory credentials, SigV4Verifier verifier, IOptions<ApiOptions> options, TimeProvider time)
{
    private const string InvalidToken = "The security token included in the request is invalid.";
    private const string ExpiredToken = "The security token included in the request is expired";
    private const string PayloadMismatch = "The provided 'x-amz-content-sha256' header does not match what was computed.";

    // S3's MissingContentLength text, its answer to an aws-chunked body without x-amz-decoded-content-length.
    private const string MissingDecodedLength = "You must provide the Content-Length HTTP header.";

    /// <summary>Bodies up to this size are hashed in the request's pipe; larger ones through a buffering stream.</summary>
    private const long PeekLimit = 256 * 1024;

    private readonly ApiOptions _options = options.Value;
    private readonly CallerIdentity _rootWhenOff = CallerIdentity.ForArn($"arn:aws:iam::{options.Value.AccountId}:root", options.Value.AccountId);

    public Task InvokeAsync(HttpContext context)
    {
        var request = context.Request;
        var path = request.Path;
        // Only the reads these paths serve are exempt: a POST to /_nimbus/health is an SQS queue URL's shape
        // (/{account}/{queue}) and must be signed like any other.
        if (((HttpMethods.IsGet(request.Method) || HttpMethods.IsHead(request.Method))
                && (path.StartsWithSegments("/_nimbus/health") || path.StartsWithSegments("/_nimbus/code")
                    || (_options.PrometheusEndpoint && path.Equals(PrometheusEndpoints.Path, StringComparison.Ordinal))))
            || FunctionUrlAddress.IsFunctionUrl(request)
            || Registry.RegistryAddress.IsRegistry(request))
        {
            return next(context);
        }

        if (!_options.Authenticate)
        {
            context.Features.Set(_rootWhenOff);
            var declared = request.Headers[SigV4.ContentSha256Header].ToString();
            return IsStreaming(declared) ? DecodeAsync(context, declared, chain: null) : next(context);
        }

        return AuthenticateAsync(context);
    }

    private Task AuthenticateAsync(HttpContext context)
    {
        var request = context.Request;
        var signed = new HttpSignedRequest(request);
        var check = SigV4Parser.Parse(signed, out var authorization);
        if (!check.IsValid)
        {
            return AuthErrors.WriteAsync(context, check.Status, check.Message ?? check.Status.ToString());
        }

        // A form post may be for SQS, IAM or STS: the scope's signing name says which protocol its errors are told in.
        // (The cheap content-type test first: HasFormContentType parses the media type into an object.)
        string? queryService = null;
        if (IsForm(request.ContentType) && QueryServices.IsForm(request))
        {
            queryService = QueryServices.Named(authorization.Service) ?? QueryServices.Sqs;
            context.Items[QueryServices.SigningServiceItem] = queryService;
        }

        var now = time.GetUtcNow();
        if (!credentials.TryGet(authorization.AccessKeyId, now, out var credential) || !credential.IsActive || !SameToken(credential.SessionToken, authorization.SecurityToken))
        {
            return credentials.IsExpired(authorization.AccessKeyId, now)
                ? AuthErrors.WriteAsync(context, SignatureStatus.ExpiredToken, ExpiredToken)
                : AuthErrors.WriteAsync(context, SignatureStatus.UnknownKey, InvalidToken);
        }

        // What the client signed as the payload: the literal it names in x-amz-content-sha256 (UNSIGNED-PAYLOAD, the
        // streaming forms), or the SHA-256 of the body as received, which must be the hash that header names if any.
        var declared = request.Headers[SigV4.ContentSha256Header].ToString();
        if (declared.Length > 0 && declared.Length != 64)
        {
            return VerifyAsync(context, signed, authorization, credential, declared, now, queryService);
        }

        if (request.ContentLength == 0 || (request.ContentLength is null && !request.Headers.ContainsKey("Transfer-Encoding")))
        {
            return Matches(declared, SigV4.EmptyPayloadSha256)
                ? VerifyAsync(context, signed, authorization, credential, SigV4.EmptyPayloadSha256, now, queryService)
                : AuthErrors.WriteAsync(context, SignatureStatus.PayloadMismatch, PayloadMismatch);
        }

        Span<byte> digest = stackalloc byte[32];
        bool hashed;
        try
        {
            hashed = request.ContentLength <= PeekLimit && TryHashBuffered(request.BodyReader, digest);
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return TooLargeAsync(context);
        }

        if (!hashed)
        {
            return HashThenVerifyAsync(context, signed, authorization, credential, declared, now, queryService);
        }

        Span<char> hex = stackalloc char[64];
        Convert.TryToHexStringLower(digest, hex, out _);
        return Matches(declared, hex)
            ? VerifyAsync(context, signed, authorization, credential, hex, now, queryService)
            : AuthErrors.WriteAsync(context, SignatureStatus.PayloadMismatch, PayloadMismatch);
    }

    /// <summary>The body arrives after the headers, or is too large to wait for in the pipe: hashed asynchronously.</summary>
    private async Task HashThenVerifyAsync(HttpContext context, HttpSignedRequest signed, SigV4Authorization authorization, CallerCredential credential, string declared, DateTimeOffset now, string? queryService)
    {
        var request = context.Request;
        var digest = new byte[32];
        try
        {
            if (request.ContentLength <= PeekLimit)
            {
                await PeekHashAsync(request.BodyReader, digest, context.RequestAborted);
            }
            else
            {
                // Larger bodies would fill Kestrel's request buffer unread: they are buffered (to disk past 30 KB) instead.
                request.EnableBuffering();
                await SHA256.HashDataAsync(request.Body, digest, context.RequestAborted);
                request.Body.Position = 0;
            }
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            await TooLargeAsync(context);
            return;
        }

        var actual = Convert.ToHexStringLower(digest);
        await (Matches(declared, actual)
            ? VerifyAsync(context, signed, authorization, credential, actual, now, queryService)
            : AuthErrors.WriteAsync(context, SignatureStatus.PayloadMismatch, PayloadMismatch));
    }

    private Task VerifyAsync(HttpContext context, HttpSignedRequest signed, in SigV4Authorization authorization, CallerCredential credential, ReadOnlySpan<char> payloadHash, DateTimeOffset now, string? queryService)
    {
        var check = verifier.Verify(signed, authorization, credential.SecretAccessKey, payloadHash, now, queryService ?? ExpectedService(context.Request));
        if (!check.IsValid)
        {
            return AuthErrors.WriteAsync(context, check.Status, check.Message ?? check.Status.ToString());
        }

        context.Features.Set(credential.Identity);
        if (!IsStreaming(payloadHash))
        {
            return next(context);
        }

        var declared = context.Request.Headers[SigV4.ContentSha256Header].ToString();
        var chain = declared == SigV4.StreamingUnsignedPayloadTrailer ? null : verifier.StartChunks(authorization, credential.SecretAccessKey);
        return DecodeAsync(context, declared, chain);
    }

    /// <summary>Serves the request with its aws-chunked body decoded; a chunk that fails is answered here, in the API's protocol.</summary>
    private async Task DecodeAsync(HttpContext context, string declared, ChunkSignatureChain? chain)
    {
        var request = context.Request;
        if (!long.TryParse(request.Headers[SigV4.DecodedContentLengthHeader].ToString(), NumberStyles.None, CultureInfo.InvariantCulture, out var decodedLength))
        {
            chain?.Dispose();
            await AuthErrors.WriteAsync(context, SignatureStatus.MissingContentLength, MissingDecodedLength);
            return;
        }

        var original = request.Body;
        var body = new AwsChunkedBody(
            request.BodyReader,
            signedChunks: declared != SigV4.StreamingUnsignedPayloadTrailer,
            trailer: declared != SigV4.StreamingPayload,
            chain,
            decodedLength);
        request.Body = body;
        request.ContentLength = decodedLength;
        try
        {
            await next(context);
        }
        catch (AwsChunkedBodyException e) when (!context.Response.HasStarted)
        {
            await AuthErrors.WriteAsync(context, e.Status, e.Message);
        }
        finally
        {
            request.Body = original;
            await body.DisposeAsync();
        }
    }

    // Larger than any API takes: refused as AWS's front door refuses it, before the signature matters.
    private static Task TooLargeAsync(HttpContext context) => AwsErrorMiddleware.WriteAsync(context, AwsErrorMiddleware.TooLarge(context));

    /// <summary>
    /// Hashes the whole body if it is already in the request's pipe (the usual case for small bodies: they come with
    /// the headers), without consuming it: the API reads the same bytes afterwards, with nothing copied.
    /// </summary>
    private static bool TryHashBuffered(PipeReader body, Span<byte> digest)
    {
        if (!body.TryRead(out var read))
        {
            return false;
        }

        var buffer = read.Buffer;
        if (!read.IsCompleted)
        {
            body.AdvanceTo(buffer.Start);
            return false;
        }

        Hash(buffer, digest);
        body.AdvanceTo(buffer.Start, buffer.Start);
        return true;
    }

    /// <summary>
    /// Hashes the whole body where it arrived, in the request's pipe, without consuming it. Only for bodies well inside
    /// Kestrel's request buffer (1 MB), which would otherwise stop reading from the socket while the body waits unconsumed.
    /// </summary>
    private static async Task PeekHashAsync(PipeReader body, byte[] digest, CancellationToken cancellationToken)
    {
        while (true)
        {
            var read = await body.ReadAsync(cancellationToken);
            if (!read.IsCompleted)
            {
                body.AdvanceTo(read.Buffer.Start, read.Buffer.End);
                continue;
            }

            Hash(read.Buffer, digest);
            body.AdvanceTo(read.Buffer.Start, read.Buffer.Start);
            return;
        }
    }

    private static void Hash(in System.Buffers.ReadOnlySequence<byte> buffer, Span<byte> digest) => ReusedHashes.Sha256(buffer, digest);

    /// <summary>Whether the hash named in x-amz-content-sha256 (if any) is the body's.</summary>
    private static bool Matches(string declared, ReadOnlySpan<char> actual) =>
        declared.Length == 0 || declared.AsSpan().Equals(actual, StringComparison.OrdinalIgnoreCase);

    private static bool IsStreaming(ReadOnlySpan<char> payloadHash) =>
        payloadHash is SigV4.StreamingPayload or SigV4.StreamingPayloadTrailer or SigV4.StreamingUnsignedPayloadTrailer;

    /// <summary>The signing name of the API a request is for; null where any is accepted. Query-protocol forms (SQS, IAM,
    /// STS) are told apart by their Version after the form is read (QueryEndpoints), which refuses a mismatch.</summary>
    private static string? ExpectedService(HttpRequest request)
    {
        if (Logs.LogsProtocol.IsLogsRequest(request))
        {
            return Logs.LogsProtocol.SigningName;
        }

        if (request.Headers["X-Amz-Target"].ToString().StartsWith("AmazonSQS.", StringComparison.Ordinal))
        {
            return "sqs";
        }

        if (CloudWatch.CloudWatchProtocol.IsCborRequest(request) || CloudWatch.CloudWatchProtocol.IsJsonRequest(request))
        {
            return CloudWatch.CloudWatchProtocol.SigningName;
        }

        return request.Path.Value is { } path && path.StartsWith("/20", StringComparison.Ordinal) ? "lambda" : null;
    }

    /// <summary>Whether the content type may be a form (HttpRequest.HasFormContentType's types), without parsing it into an object.</summary>
    private static bool IsForm(string? contentType) =>
        contentType is not null
        && (contentType.StartsWith("application/x-www-form-urlencoded", StringComparison.OrdinalIgnoreCase)
            || contentType.StartsWith("multipart/form-data", StringComparison.OrdinalIgnoreCase));

    /// <summary>The session token compared in constant time (for equal lengths), without encoding either to bytes.</summary>
    private static bool SameToken(string? expected, string? given) =>
        expected is null
        || (given is not null && CryptographicOperations.FixedTimeEquals(MemoryMarshal.AsBytes(expected.AsSpan()), MemoryMarshal.AsBytes(given.AsSpan())));
}
