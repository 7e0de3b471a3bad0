// SPDX-License-Identifier: Apache-2.0
using System.IO.Pipelines;
using System.Text;
using BenchmarkDotNet.Attributes;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;
using Nimbus.Api.Access;
using Nimbus.Api.Hosting;
using Nimbus.Core.Access;
using Nimbus.Core.Access.Credentials;
using Nimbus.Core.Access.Signing;

namespace Nimbus.MicroBench;

/// <summary>
/// The whole authentication step of a warm Invoke (what Auth=iam adds over Auth=off): the middleware on a signed
/// Invoke whose 29-byte body is already in the request's pipe — the view of the request, parsing the Authorization
/// header, the key lookup, hashing the body in place, verifying the signature with the cached key, recording the caller.
/// Against it, the same middleware with Auth=off.
/// </summary>
[MemoryDiagnoser]
[MedianColumn]
public class AuthenticationBenchmarks
{
    private const string AccessKey = "AKIDNIMBUSBENCH00001";
    private const string Secret = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
    private static readonly byte[] Payload = Encoding.UTF8.GetBytes("""{"bench":"nimbus","value":42}""");

    private DefaultHttpContext _context = null!;
    private SigV4AuthenticationMiddleware _iam = null!;
    private SigV4AuthenticationMiddleware _off = null!;

    [GlobalSetup]
    public void Setup()
    {
        var credentials = new CredentialDirectory();
        credentials.Add(new CallerCredential { AccessKeyId = AccessKey, SecretAccessKey = Secret, PrincipalArn = "arn:aws:iam::000000000000:root", AccountId = "000000000000" });
        _iam = new SigV4AuthenticationMiddleware(_ => Task.CompletedTask, credentials, new SigV4Verifier(new SigningKeyCache()), Options.Create(new ApiOptions()), TimeProvider.System);
        _off = new SigV4AuthenticationMiddleware(_ => Task.CompletedTask, credentials, new SigV4Verifier(new SigningKeyCache()), Options.Create(new ApiOptions { Authenticate = false }), TimeProvider.System);

        const string path = "/2015-03-31/functions/hello/invocations";
        var timestamp = DateTime.UtcNow.ToString(SigV4.TimestampFormat, System.Globalization.CultureInfo.InvariantCulture);
        _context = new DefaultHttpContext();
        _context.Request.Method = "POST";
        _context.Request.Path = path;
        _context.Features.Get<IHttpRequestFeature>()!.RawTarget = path;
        _context.Request.Host = new HostString("127.0.0.1:9000");
        _context.Request.ContentType = "application/json";
        _context.Request.ContentLength = Payload.Length;
        _context.Request.Headers[SigV4.DateHeader] = timestamp;
        var signed = new HttpSignedRequest(_context.Request);
        _context.Request.Headers.Authorization = SigV4Signer.Authorization(
            signed, "content-type;host;x-amz-date", AccessKey, Secret, "us-east-1", "lambda", timestamp, Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(Payload)));

        // The body as Kestrel holds it: all of it readable at once, never consumed by the middleware.
        var pipe = new Pipe();
        Payload.CopyTo(pipe.Writer.GetSpan(Payload.Length));
        pipe.Writer.Advance(Payload.Length);
        pipe.Writer.Complete();
        _context.Features.Set<IRequestBodyPipeFeature>(new Body(pipe.Reader));
        if (!IamAsync().IsCompletedSuccessfully || _context.Features.Get<CallerIdentity>() is null)
        {
            throw new InvalidOperationException("the benchmark's request does not authenticate");
        }
    }

    [Benchmark]
    public Task IamAsync() => _iam.InvokeAsync(_context);

    [Benchmark(Baseline = true)]
    public Task OffAsync() => _off.InvokeAsync(_context);

    private sealed class Body(PipeReader reader) : IRequestBodyPipeFeature
    {
        public PipeReader Reader => reader;
    }
}
