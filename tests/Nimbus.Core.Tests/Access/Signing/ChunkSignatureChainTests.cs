// SPDX-License-Identifier: Apache-2.0
using System.Text;
using Nimbus.Core.Access.Signing;

namespace Nimbus.Core.Tests.Access.Signing;

/// <summary>
/// The example of S3's "Signature Calculations for the Authorization Header: Transferring Payload in Multiple Chunks"
/// (https://docs.aws.amazon.com/AmazonS3/latest/API/sigv4-streaming.html): PUT /examplebucket/chunkObject.txt,
/// 66,560 bytes of 'a' in a 64 KB chunk and a 1 KB chunk, with its published seed and chunk signatures.
/// </summary>
public sealed class ChunkSignatureChainTests
{
    public const string AccessKey = "AKIAIOSFODNN7EXAMPLE";
    public const string Secret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
    public const string Timestamp = "20130524T000000Z";
    public const string Scope = "20130524/us-east-1/s3/aws4_request";
    public const string SeedSignature = "4f232c4386841ef735655705268965c44a0e4690baa4adea153f7db9fa80a0a9";
    public const string FirstChunkSignature = "ad80c730a21e5b8d04586a2213dd63b9a0e99e0e2307b0ade35a65485a288648";
    public const string SecondChunkSignature = "0055627c9e194cb4542bae2aa5492e3c1575bbb81b612b7d234b86a503ef5497";
    public const string FinalChunkSignature = "b6c6ea8a5354eaf15b3cb7646744f4275b71ea724fed81ceb9323e279d449df9";

    /// <summary>The example's request as S3 receives it, without its body.</summary>
    public static TestRequest ExampleRequest() => new(
        "PUT",
        "https://s3.amazonaws.com/examplebucket/chunkObject.txt",
        ("x-amz-date", Timestamp),
        ("x-amz-storage-class", "REDUCED_REDUNDANCY"),
        ("authorization", $"AWS4-HMAC-SHA256 Credential={AccessKey}/{Scope},SignedHeaders=content-encoding;content-length;host;x-amz-content-sha256;x-amz-date;x-amz-decoded-content-length;x-amz-storage-class,Signature={SeedSignature}"),
        ("x-amz-content-sha256", SigV4.StreamingPayload),
        ("content-encoding", "aws-chunked"),
        ("x-amz-decoded-content-length", "66560"),
        ("content-length", "66824"));

    /// <summary>The example's aws-chunked body, byte for byte.</summary>
    public static byte[] ExampleBody() => Encoding.ASCII.GetBytes(
        $"10000;chunk-signature={FirstChunkSignature}\r\n{new string('a', 65536)}\r\n" +
        $"400;chunk-signature={SecondChunkSignature}\r\n{new string('a', 1024)}\r\n" +
        $"0;chunk-signature={FinalChunkSignature}\r\n\r\n");

    private static ChunkSignatureChain Chain() => new(
        SigningKeyCache.Derive(Secret, "20130524", "us-east-1", "s3"), Timestamp, Scope, Convert.FromHexString(SeedSignature));

    [Fact]
    public void Verify_AwsExampleSeed_Valid()
    {
        var request = ExampleRequest();
        var verifier = new SigV4Verifier(new SigningKeyCache());

        Assert.True(SigV4Parser.Parse(request, out var authorization).IsValid);
        var check = verifier.Verify(request, authorization, Secret, SigV4.StreamingPayload, new DateTimeOffset(2013, 5, 24, 0, 5, 0, TimeSpan.Zero), "s3", normalizePath: false);

        Assert.True(check.IsValid, check.Message);
    }

    [Fact]
    public void SignChunk_AwsExample_PublishedSignatures()
    {
        using var chain = Chain();
        var signature = new byte[32];

        chain.Append(Encoding.ASCII.GetBytes(new string('a', 65536)));
        chain.SignChunk(signature);
        Assert.Equal(FirstChunkSignature, Convert.ToHexStringLower(signature));

        chain.Append(Encoding.ASCII.GetBytes(new string('a', 1024)));
        chain.SignChunk(signature);
        Assert.Equal(SecondChunkSignature, Convert.ToHexStringLower(signature));

        chain.SignChunk(signature);
        Assert.Equal(FinalChunkSignature, Convert.ToHexStringLower(signature));
    }

    [Fact]
    public void VerifyChunk_DataInPieces_SameAsWhole()
    {
        using var chain = Chain();
        var data = Encoding.ASCII.GetBytes(new string('a', 65536));

        chain.Append(data.AsSpan(0, 1));
        chain.Append(data.AsSpan(1, 40000));
        chain.Append(data.AsSpan(40001));

        Assert.True(chain.VerifyChunk(Encoding.ASCII.GetBytes(FirstChunkSignature)));
    }

    [Fact]
    public void VerifyChunk_ChangedByte_Mismatch()
    {
        using var chain = Chain();
        var data = Encoding.ASCII.GetBytes(new string('a', 65536));
        data[1000] = (byte)'b';

        chain.Append(data);

        Assert.False(chain.VerifyChunk(Encoding.ASCII.GetBytes(FirstChunkSignature)));
    }

    [Fact]
    public void VerifyChunk_OutOfOrder_Mismatch()
    {
        using var chain = Chain();

        chain.Append(Encoding.ASCII.GetBytes(new string('a', 1024)));

        Assert.False(chain.VerifyChunk(Encoding.ASCII.GetBytes(SecondChunkSignature)));
    }

    [Theory]
    [InlineData("")]
    [InlineData("ad80c730a21e5b8d04586a2213dd63b9a0e99e0e2307b0ade35a65485a28864")]
    [InlineData("ad80c730a21e5b8d04586a2213dd63b9a0e99e0e2307b0ade35a65485a2886488")]
    [InlineData("zz80c730a21e5b8d04586a2213dd63b9a0e99e0e2307b0ade35a65485a288648")]
    public void VerifyChunk_NotASignature_Mismatch(string given)
    {
        using var chain = Chain();

        chain.Append(Encoding.ASCII.GetBytes(new string('a', 65536)));

        Assert.False(chain.VerifyChunk(Encoding.ASCII.GetBytes(given)));
    }

    [Fact]
    public void VerifyTrailer_SignedBySameChain_ValidAndOnlyForItsLines()
    {
        var lines = "x-amz-checksum-crc32c:sOO8/Q==\n"u8.ToArray();
        var signature = new byte[32];
        using (var signer = Chain())
        {
            signer.SignChunk(signature);
            signer.SignTrailer(lines, signature);
        }

        using var verifier = Chain();
        using var other = Chain();

        Assert.True(verifier.VerifyChunk(Encoding.ASCII.GetBytes(FinalChunkSignatureOfEmptyBody())));
        Assert.True(verifier.VerifyTrailer(lines, Encoding.ASCII.GetBytes(Convert.ToHexStringLower(signature))));
        Assert.True(other.VerifyChunk(Encoding.ASCII.GetBytes(FinalChunkSignatureOfEmptyBody())));
        Assert.False(other.VerifyTrailer("x-amz-checksum-crc32c:AAAAAA==\n"u8, Encoding.ASCII.GetBytes(Convert.ToHexStringLower(signature))));
    }

    [Fact]
    public void VerifyChunk_CachedKey_AllocatesNothing()
    {
        using var chain = Chain();
        var data = new byte[8192];
        var signature = new byte[32];
        using (var signer = Chain())
        {
            signer.Append(data);
            signer.SignChunk(signature);
        }

        var hex = Encoding.ASCII.GetBytes(Convert.ToHexStringLower(signature));
        chain.Append(data);
        Assert.True(chain.VerifyChunk(hex));

        var before = GC.GetAllocatedBytesForCurrentThread();
        chain.Append(data);
        var verified = chain.VerifyChunk(hex);
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.False(verified); // chained to the first chunk now, so the same signature no longer matches
        Assert.Equal(0, allocated);
    }

    private static string FinalChunkSignatureOfEmptyBody()
    {
        using var chain = Chain();
        var signature = new byte[32];
        chain.SignChunk(signature);
        return Convert.ToHexStringLower(signature);
    }
}
