// SPDX-License-Identifier: Apache-2.0
using System.IO.Pipelines;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;
using Nimbus.Api.Access;
using Nimbus.Api.Hosting;
using Nimbus.Core.Access;
using Nimbus.Core.Access.Credentials;
using Nimbus.Core.Access.Signing;
using Nimbus.TestKit;

namespace Nimbus.Api.Tests.Access;

/// <summary>
/// The middleware in process: requests signed by TestKit's signer (as an SDK signs them, aws-chunked or not) go through
/// it to an API stand-in that reads the body to its end, as every API does before acting.
/// </summary>
public sealed class SigV4AuthenticationMiddlewareTests
{
    private const string Json = """{"QueueName":"chunked","Attributes":{"DelaySeconds":"0"},"padding":"0123456789abcdefghijklmnopqrstuvwxyz"}""";

    private readonly CredentialDirectory _credentials = new();

    public SigV4AuthenticationMiddlewareTests()
    {
        _credentials.Add(new CallerCredential
        {
            AccessKeyId = AwsClients.AccessKeyId,
            SecretAccessKey = AwsClients.SecretAccessKey,
            PrincipalArn = "arn:aws:iam::000000000000:root",
            AccountId = "000000000000",
        });
    }

    [Fact]
    public async Task ChunkedBody_SignedAsSdk_ApiReadsDecodedPayload()
    {
        var context = await SignedContextAsync(Json, chunkSize: 16);

        var (read, error) = await RunAsync(context);

        Assert.Null(error);
        Assert.Equal(Json, read);
        Assert.Equal(Encoding.UTF8.GetByteCount(Json), context.Request.ContentLength);
        Assert.Equal("arn:aws:iam::000000000000:root", context.Features.Get<CallerIdentity>()?.Arn);
    }

    [Fact]
    public async Task ChunkedBody_OneChunkTampered_403InvalidSignature()
    {
        var context = await SignedContextAsync(Json, chunkSize: 16, tamper: body => body[Array.IndexOf(body, (byte)'Q')] = (byte)'X');

        var (read, error) = await RunAsync(context);

        Assert.Null(read);
        Assert.Equal(403, context.Response.StatusCode);
        Assert.Equal("InvalidSignatureException", context.Response.Headers["x-amzn-ErrorType"].ToString());
        Assert.Equal(SigV4.SignatureMismatchMessage, error?.GetProperty("message").GetString());
    }

    [Fact]
    public async Task ChunkedSqsJsonBody_Tampered_SqsJsonSignatureDoesNotMatch()
    {
        var context = await SignedContextAsync(Json, chunkSize: 16, target: "AmazonSQS.CreateQueue", tamper: body => body[^10] ^= 1);

        var (_, error) = await RunAsync(context);

        Assert.Equal(403, context.Response.StatusCode);
        Assert.Equal("SignatureDoesNotMatch;Sender", context.Response.Headers["x-amzn-query-error"].ToString());
        Assert.Equal("com.amazon.coral.service#InvalidSignatureException", error?.GetProperty("__type").GetString());
    }

    [Fact]
    public async Task ChunkedBody_DecodedLengthDiffers_400IncompleteBody()
    {
        var context = await SignedContextAsync(Json, chunkSize: 16);
        context.Request.Headers[SigV4.DecodedContentLengthHeader] = "5";

        var (_, error) = await RunAsync(context);

        // The header is signed: changed, the seed signature no longer matches; the length is checked after it.
        Assert.Equal(403, context.Response.StatusCode);
        Assert.NotNull(error);

        var unsigned = await SignedContextAsync(Json, chunkSize: 16, signDecodedLength: false);
        unsigned.Request.Headers[SigV4.DecodedContentLengthHeader] = (Encoding.UTF8.GetByteCount(Json) + 1).ToString(System.Globalization.CultureInfo.InvariantCulture);

        (_, error) = await RunAsync(unsigned);

        Assert.Equal(400, unsigned.Response.StatusCode);
        Assert.Equal("IncompleteBody", unsigned.Response.Headers["x-amzn-ErrorType"].ToString());
        Assert.Equal("You did not provide the number of bytes specified by the Content-Length HTTP header.", error?.GetProperty("message").GetString());
    }

    [Fact]
    public async Task ChunkedBody_WithoutDecodedLength_411MissingContentLength()
    {
        var context = await SignedContextAsync(Json, chunkSize: 16, signDecodedLength: false);
        context.Request.Headers.Remove(SigV4.DecodedContentLengthHeader);

        var (_, error) = await RunAsync(context);

        Assert.Equal(411, context.Response.StatusCode);
        Assert.Equal("MissingContentLength", context.Response.Headers["x-amzn-ErrorType"].ToString());
        Assert.Equal("You must provide the Content-Length HTTP header.", error?.GetProperty("message").GetString());
    }

    [Fact]
    public async Task ChunkedBody_AuthOff_DecodedWithoutChecking()
    {
        var context = await SignedContextAsync(Json, chunkSize: 7, tamper: body => body[30] ^= 1);

        var (read, _) = await RunAsync(context, authenticate: false);

        Assert.Equal(200, context.Response.StatusCode);
        Assert.Equal(Encoding.UTF8.GetByteCount(Json), read?.Length);
    }

    [Theory]
    [InlineData("GET", "/_nimbus/health", 200)]
    [InlineData("HEAD", "/_nimbus/health", 200)]
    [InlineData("GET", "/_nimbus/code/abc.zip", 200)]
    [InlineData("POST", "/_nimbus/health", 403)] // an SQS queue URL's shape (/{account}/{queue}): signed like any other
    [InlineData("PUT", "/_nimbus/code/abc.zip", 403)]
    public async Task ExemptPaths_OnlyTheirReads_PassUnsigned(string method, string path, int expected)
    {
        var context = new DefaultHttpContext();
        context.Request.Method = method;
        context.Request.Path = path;
        context.Request.Headers["X-Amz-Target"] = "AmazonSQS.SendMessageBatch";
        context.Response.Body = new MemoryStream();

        await RunAsync(context);

        Assert.Equal(expected, context.Response.StatusCode);
    }

    [Theory]
    [InlineData("GET", "/metrics", true, 200)]
    [InlineData("HEAD", "/metrics", true, 200)]
    [InlineData("POST", "/metrics", true, 403)]
    [InlineData("GET", "/metrics/more", true, 403)]
    [InlineData("GET", "/metrics", false, 403)] // PrometheusEndpoint=false: no page, nothing exempt
    public async Task PrometheusPage_OnlyItsReads_PassUnsigned_UnlessTurnedOff(string method, string path, bool prometheus, int expected)
    {
        var context = new DefaultHttpContext();
        context.Request.Method = method;
        context.Request.Path = path;
        context.Response.Body = new MemoryStream();
        var middleware = new SigV4AuthenticationMiddleware(
            http =>
            {
                http.Response.StatusCode = 200;
                return Task.CompletedTask;
            },
            _credentials,
            new SigV4Verifier(new SigningKeyCache()),
            Options.Create(new ApiOptions { PrometheusEndpoint = prometheus }),
            TimeProvider.System);

        await middleware.InvokeAsync(context);

        Assert.Equal(expected, context.Response.StatusCode);
    }

    [Fact]
    public async Task PlainBody_StillHashed_TamperedRefused()
    {
        var context = await SignedContextAsync(Json, chunkSize: null);
        Assert.Equal(Json, (await RunAsync(context)).Read);

        var tampered = await SignedContextAsync(Json, chunkSize: null, tamper: body => body[2] ^= 1);
        await RunAsync(tampered);
        Assert.Equal(403, tampered.Response.StatusCode);
    }

    [Fact]
    public async Task InvokeWithAFormContentType_IsLambdas_NotAQueryProtocolRequest()
    {
        // curl --aws-sigv4 ... -d '{}' sends application/x-www-form-urlencoded: the body is still the payload.
        var context = await SignedContextAsync(Json, chunkSize: null, contentType: "application/x-www-form-urlencoded");
        Assert.Equal(Json, (await RunAsync(context)).Read);

        var tampered = await SignedContextAsync(Json, chunkSize: null, tamper: body => body[2] ^= 1, contentType: "application/x-www-form-urlencoded");
        var (_, error) = await RunAsync(tampered);
        Assert.Equal(403, tampered.Response.StatusCode);
        Assert.Equal("InvalidSignatureException", tampered.Response.Headers["x-amzn-ErrorType"].ToString());
        Assert.StartsWith("The request signature we calculated does not match", error?.GetProperty("message").GetString());
    }

    [Theory]
    [InlineData("/2015-03-31/functions/f/invocations", true)]
    [InlineData("/2021-10-31/functions/f/url", true)]
    [InlineData("/", false)]
    [InlineData("/000000000000/queue", false)]
    [InlineData("/2015-03-31", false)]
    [InlineData("/2015-03-3x/functions", false)]
    [InlineData("/20150331xx/functions", false)]
    public void IsLambdaRestPath_AnApiVersionDateFirst(string path, bool expected)
    {
        Assert.Equal(expected, QueryServices.IsLambdaRestPath(new PathString(path)));
    }

    [Fact]
    public async Task Verify_SignedInvokeWithBufferedBody_AllocatesLittle()
    {
        var middleware = new SigV4AuthenticationMiddleware(_ => Task.CompletedTask, _credentials, new SigV4Verifier(new SigningKeyCache()), Options.Create(new ApiOptions()), TimeProvider.System);
        var context = await SignedContextAsync(Json, chunkSize: null);
        await middleware.InvokeAsync(context);
        Assert.True(context.Features.Get<CallerIdentity>() is not null, Encoding.UTF8.GetString(((MemoryStream)context.Response.Body).ToArray()));
        context.Features.Set<CallerIdentity>(null);

        var before = GC.GetAllocatedBytesForCurrentThread();
        await middleware.InvokeAsync(context);
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.True(context.Features.Get<CallerIdentity>() is not null, $"{context.Response.StatusCode} " + Encoding.UTF8.GetString(((MemoryStream)context.Response.Body).ToArray()));
        // The request's view (HttpSignedRequest, 40 bytes) is the only allocation left: no state machine, no strings
        // (no hex of the digest, no header names, no encoded tokens).
        Assert.True(allocated <= 64, $"{allocated} bytes allocated");
    }

    private async Task<(string? Read, JsonElement? Error)> RunAsync(DefaultHttpContext context, bool authenticate = true)
    {
        string? read = null;
        var middleware = new SigV4AuthenticationMiddleware(
            async http =>
            {
                using var reader = new StreamReader(http.Request.BodyReader.AsStream());
                read = await reader.ReadToEndAsync(http.RequestAborted);
                http.Response.StatusCode = 200;
            },
            _credentials,
            new SigV4Verifier(new SigningKeyCache()),
            Options.Create(new ApiOptions { Authenticate = authenticate }),
            TimeProvider.System);

        await middleware.InvokeAsync(context);
        var response = ((MemoryStream)context.Response.Body).ToArray();
        return (context.Response.StatusCode == 200 ? read : null, response.Length > 0 ? JsonDocument.Parse(response).RootElement.Clone() : null);
    }

    /// <summary>A request as TestKit's signer sends it, turned into the server's view of it.</summary>
    private static async Task<DefaultHttpContext> SignedContextAsync(string json, int? chunkSize, Action<byte[]>? tamper = null, string? target = null, bool signDecodedLength = true, string? contentType = null)
    {
        var capture = new CapturingHandler();
        using var signer = new SigV4SigningHandler(capture, chunkSize: chunkSize, tamper: tamper, signDecodedLength: signDecodedLength);
        using var client = new HttpClient(signer) { BaseAddress = new Uri("http://127.0.0.1:9000") };
        using var message = new HttpRequestMessage(HttpMethod.Post, target is null ? "/2015-03-31/functions/f/invocations" : "/")
        {
            Content = new StringContent(json, Encoding.UTF8, contentType ?? (target is null ? "application/json" : "application/x-amz-json-1.0")),
        };
        if (target is not null)
        {
            message.Headers.Add("X-Amz-Target", target);
        }

        using var _ = await client.SendAsync(message, TestContext.Current.CancellationToken);
        var sent = capture.Request!;
        var context = new DefaultHttpContext();
        context.Request.Method = sent.Method.Method;
        context.Request.Path = sent.RequestUri!.AbsolutePath;
        context.Features.Get<IHttpRequestFeature>()!.RawTarget = sent.RequestUri.PathAndQuery; // as Kestrel sets it
        context.Request.Host = new HostString(sent.RequestUri.Authority);
        foreach (var (name, values) in sent.Headers.Concat(sent.Content!.Headers))
        {
            context.Request.Headers[name] = values.ToArray();
        }

        context.Request.ContentLength = capture.Body!.Length;
        var pipe = new Pipe();
        await pipe.Writer.WriteAsync(capture.Body);
        await pipe.Writer.CompleteAsync();
        context.Features.Set<IRequestBodyPipeFeature>(new KestrelLikeBody(context.Request, pipe.Reader));
        context.Response.Body = new MemoryStream();
        return context;
    }

    /// <summary>
    /// A body as Kestrel gives it: one pipe behind both Body and BodyReader, the whole of a small body readable at once
    /// (TryRead completes), and a replaced Body read through BodyReader too.
    /// </summary>
    private sealed class KestrelLikeBody : IRequestBodyPipeFeature
    {
        private readonly HttpRequest _request;
        private readonly PipeReader _pipe;
        private readonly Stream _stream;

        public KestrelLikeBody(HttpRequest request, PipeReader pipe)
        {
            _request = request;
            _pipe = pipe;
            _stream = pipe.AsStream();
            request.Body = _stream;
        }

        public PipeReader Reader => ReferenceEquals(_request.Body, _stream) ? _pipe : PipeReader.Create(_request.Body);
    }

    private sealed class CapturingHandler : HttpMessageHandler
    {
        public HttpRequestMessage? Request { get; private set; }

        public byte[]? Body { get; private set; }

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Request = request;
            Body = await request.Content!.ReadAsByteArrayAsync(cancellationToken);
            return new HttpResponseMessage(System.Net.HttpStatusCode.OK);
        }
    }
}
