// SPDX-License-Identifier: Apache-2.0
using BenchmarkDotNet.Attributes;
using Nimbus.Core.Access.Signing;

namespace Nimbus.MicroBench;

/// <summary>
/// SigV4 verification per request (issue "Identity and access": target ≤ 20 µs median, allocation-free on a cached key):
/// an Invoke as boto3 signs it (five signed headers, an ARN in the path), parsed and verified with a cached signing key.
/// </summary>
[MemoryDiagnoser]
[MedianColumn]
public class SigV4VerificationBenchmarks
{
    private const string Secret = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
    private const string PayloadHash = "9c1185a5c5e9fc54612808977ee8f548b2258d31"; // any 64-hex stand-in for the body's hash

    private readonly SigV4Verifier _verifier = new(new SigningKeyCache());
    private readonly DateTimeOffset _now = new(2015, 8, 30, 12, 36, 0, TimeSpan.Zero);
    private Request _request = null!;

    [GlobalSetup]
    public void Setup()
    {
        var unsigned = new Request(null);
        var header = SigV4Signer.Authorization(unsigned, "content-type;host;x-amz-date;x-amz-invocation-type;x-amz-log-type", "AKIDEXAMPLE", Secret, "us-east-1", "lambda", "20150830T123600Z", PayloadHash + "0123456789abcdef01234567");
        _request = new Request(header);
        if (!Verify())
        {
            throw new InvalidOperationException("the benchmark's request does not verify");
        }
    }

    [Benchmark]
    public bool Verify()
    {
        SigV4Parser.Parse(_request, out var authorization);
        return _verifier.Verify(_request, authorization, Secret, PayloadHash + "0123456789abcdef01234567", _now, "lambda").IsValid;
    }

    private sealed class Request(string? authorization) : ISignedRequest
    {
        public string Method => "POST";

        public string RawPath => "/2015-03-31/functions/arn%3Aaws%3Alambda%3Aus-east-1%3A000000000000%3Afunction%3Ahello/invocations";

        public string RawQuery => "";

        public string? GetHeader(ReadOnlySpan<char> name) => name switch
        {
            "authorization" => authorization,
            "content-type" => "application/json",
            "host" => "127.0.0.1:9000",
            "x-amz-date" => "20150830T123600Z",
            "x-amz-invocation-type" => "RequestResponse",
            "x-amz-log-type" => "None",
            _ => null,
        };
    }
}
