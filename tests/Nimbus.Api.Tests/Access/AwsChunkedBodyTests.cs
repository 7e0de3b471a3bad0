// SPDX-License-Identifier: Apache-2.0
using System.IO.Pipelines;
using System.Text;
using Nimbus.Api.Access;
using Nimbus.Core.Access.Signing;
using Nimbus.TestKit;

namespace Nimbus.Api.Tests.Access;

public sealed class AwsChunkedBodyTests
{
    // S3's published example (sigv4-streaming.html): 66,560 bytes of 'a' in a 64 KB and a 1 KB chunk.
    private const string Secret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
    private const string Timestamp = "20130524T000000Z";
    private const string Scope = "20130524/us-east-1/s3/aws4_request";
    private const string Seed = "4f232c4386841ef735655705268965c44a0e4690baa4adea153f7db9fa80a0a9";

    private static readonly string ExampleBody =
        $"10000;chunk-signature=ad80c730a21e5b8d04586a2213dd63b9a0e99e0e2307b0ade35a65485a288648\r\n{new string('a', 65536)}\r\n" +
        $"400;chunk-signature=0055627c9e194cb4542bae2aa5492e3c1575bbb81b612b7d234b86a503ef5497\r\n{new string('a', 1024)}\r\n" +
        "0;chunk-signature=b6c6ea8a5354eaf15b3cb7646744f4275b71ea724fed81ceb9323e279d449df9\r\n\r\n";

    private static ChunkSignatureChain Chain() =>
        new(SigningKeyCache.Derive(Secret, "20130524", "us-east-1", "s3"), Timestamp, Scope, Convert.FromHexString(Seed));

    /// <summary>Feeds <paramref name="encoded"/> through a pipe in pieces of <paramref name="piece"/> bytes and reads the decoded body with reads of <paramref name="readSize"/>.</summary>
    internal static async Task<byte[]> DecodeAsync(byte[] encoded, long decodedLength, ChunkSignatureChain? chain, int piece = 4096, int readSize = 8192, bool signedChunks = true, bool trailer = false)
    {
        var pipe = new Pipe();
        var writing = Task.Run(async () =>
        {
            for (var offset = 0; offset < encoded.Length; offset += piece)
            {
                await pipe.Writer.WriteAsync(encoded.AsMemory(offset, Math.Min(piece, encoded.Length - offset)));
            }

            await pipe.Writer.CompleteAsync();
        });
        await using var body = new AwsChunkedBody(pipe.Reader, signedChunks, trailer, chain, decodedLength);
        using var decoded = new MemoryStream();
        var buffer = new byte[readSize];
        try
        {
            int read;
            while ((read = await body.ReadAsync(buffer)) > 0)
            {
                await decoded.WriteAsync(buffer.AsMemory(0, read));
            }
        }
        finally
        {
            await pipe.Reader.CompleteAsync();
            await writing;
        }

        return decoded.ToArray();
    }

    [Theory]
    [InlineData(65536 + 200, 8192)]
    [InlineData(1, 7)]
    [InlineData(13, 1)]
    public async Task Read_AwsExample_PayloadAndEverySignatureChecks(int piece, int readSize)
    {
        using var chain = Chain();

        var payload = await DecodeAsync(Encoding.ASCII.GetBytes(ExampleBody), 66560, chain, piece, readSize);

        Assert.Equal(new string('a', 66560), Encoding.ASCII.GetString(payload));
    }

    [Fact]
    public async Task Read_AwsExampleWithOneDataByteChanged_SignatureMismatch()
    {
        var encoded = Encoding.ASCII.GetBytes(ExampleBody);
        encoded[100] = (byte)'b';
        using var chain = Chain();

        var error = await Assert.ThrowsAsync<AwsChunkedBodyException>(() => DecodeAsync(encoded, 66560, chain));

        Assert.Equal(SignatureStatus.Mismatch, error.Status);
        Assert.Equal(SigV4.SignatureMismatchMessage, error.Message);
    }

    [Fact]
    public async Task Read_AwsExampleWithWrongFinalSignature_SignatureMismatch()
    {
        var encoded = Encoding.ASCII.GetBytes(ExampleBody.Replace("b6c6ea8a", "b6c6ea8b", StringComparison.Ordinal));
        using var chain = Chain();

        var error = await Assert.ThrowsAsync<AwsChunkedBodyException>(() => DecodeAsync(encoded, 66560, chain));

        Assert.Equal(SignatureStatus.Mismatch, error.Status);
    }

    [Fact]
    public async Task Read_ChunksSwapped_SignatureMismatch()
    {
        var payload = Encoding.ASCII.GetBytes("first chunk!second chunk");
        byte[] encoded;
        using (var signer = Chain())
        {
            encoded = AwsChunkedEncoding.Encode(payload, 12, signer);
        }

        var text = Encoding.ASCII.GetString(encoded).Split("\r\n");
        var swapped = Encoding.ASCII.GetBytes(string.Join("\r\n", [text[2], text[3], text[0], text[1], .. text[4..]]));
        using var chain = Chain();

        var error = await Assert.ThrowsAsync<AwsChunkedBodyException>(() => DecodeAsync(swapped, payload.Length, chain));

        Assert.Equal(SignatureStatus.Mismatch, error.Status);
    }

    [Theory]
    [InlineData(66559)]
    [InlineData(66561)]
    public async Task Read_DecodedLengthDiffers_IncompleteBody(long declared)
    {
        using var chain = Chain();

        var error = await Assert.ThrowsAsync<AwsChunkedBodyException>(() => DecodeAsync(Encoding.ASCII.GetBytes(ExampleBody), declared, chain));

        Assert.Equal(SignatureStatus.IncompleteBody, error.Status);
        Assert.Equal("You did not provide the number of bytes specified by the Content-Length HTTP header.", error.Message);
    }

    [Fact]
    public async Task Read_CutShort_IncompleteBody()
    {
        using var chain = Chain();
        var encoded = Encoding.ASCII.GetBytes(ExampleBody)[..40000];

        var error = await Assert.ThrowsAsync<AwsChunkedBodyException>(() => DecodeAsync(encoded, 66560, chain));

        Assert.Equal(SignatureStatus.IncompleteBody, error.Status);
    }

    [Fact]
    public async Task Read_WithoutChain_DecodesWithoutChecking()
    {
        var encoded = Encoding.ASCII.GetBytes(ExampleBody.Replace("ad80c730", "00000000", StringComparison.Ordinal));

        var payload = await DecodeAsync(encoded, 66560, chain: null);

        Assert.Equal(66560, payload.Length);
    }

    [Fact]
    public async Task Read_SignedTrailer_PayloadAndTrailerSignatureCheck()
    {
        var payload = Encoding.UTF8.GetBytes("{\"QueueName\":\"q\"}");
        byte[] encoded;
        using (var signer = Chain())
        {
            encoded = AwsChunkedEncoding.Encode(payload, 5, signer, [("x-amz-checksum-crc32", "AAAAAA==")]);
        }

        using var chain = Chain();
        Assert.Equal(payload, await DecodeAsync(encoded, payload.Length, chain, piece: 3, trailer: true));

        var tampered = Encoding.ASCII.GetBytes(Encoding.ASCII.GetString(encoded).Replace("AAAAAA==", "AAAAAB==", StringComparison.Ordinal));
        using var again = Chain();
        var error = await Assert.ThrowsAsync<AwsChunkedBodyException>(() => DecodeAsync(tampered, payload.Length, again, trailer: true));
        Assert.Equal(SignatureStatus.Mismatch, error.Status);
    }

    [Fact]
    public async Task Read_UnsignedTrailer_Payload()
    {
        var payload = Encoding.UTF8.GetBytes("hello, unsigned trailer");
        var encoded = AwsChunkedEncoding.Encode(payload, 8, chain: null, [("x-amz-checksum-crc32", "AAAAAA==")]);

        Assert.StartsWith("8\r\nhello, u\r\n", Encoding.ASCII.GetString(encoded), StringComparison.Ordinal);
        Assert.Equal(payload, await DecodeAsync(encoded, payload.Length, chain: null, signedChunks: false, trailer: true));
    }

    [Theory]
    [InlineData("10000\r\n")]
    [InlineData("zz;chunk-signature=ad80c730a21e5b8d04586a2213dd63b9a0e99e0e2307b0ade35a65485a288648\r\n")]
    [InlineData("10000;chunk-signature=ad80\r\n")]
    [InlineData("10000;chunk-signature=ad80c730a21e5b8d04586a2213dd63b9a0e99e0e2307b0ade35a65485a288648\n")]
    [InlineData("ffffffffffffffffff;chunk-signature=ad80c730a21e5b8d04586a2213dd63b9a0e99e0e2307b0ade35a65485a288648\r\n")]
    [InlineData("\r\n")]
    public async Task Read_MalformedFirstChunkHeader_IncompleteBody(string header)
    {
        var encoded = Encoding.ASCII.GetBytes(header + ExampleBody[(ExampleBody.IndexOf('\n', StringComparison.Ordinal) + 1)..]);
        using var chain = Chain();

        var error = await Assert.ThrowsAsync<AwsChunkedBodyException>(() => DecodeAsync(encoded, 66560, chain));

        Assert.Equal(SignatureStatus.IncompleteBody, error.Status);
    }

    [Fact]
    public async Task Read_DataAfterFinalChunk_IncompleteBody()
    {
        using var chain = Chain();

        var error = await Assert.ThrowsAsync<AwsChunkedBodyException>(() => DecodeAsync(Encoding.ASCII.GetBytes(ExampleBody + "x"), 66560, chain));

        Assert.Equal(SignatureStatus.IncompleteBody, error.Status);
    }

    [Fact]
    public async Task Read_MalformedFraming_OnlyAwsErrorsNeverAnotherException()
    {
        // Fuzz: random cuts, byte flips, inserted and removed bytes of a signed body, a fixed seed so failures repeat.
        var random = new Random(20261203);
        var payload = Encoding.ASCII.GetBytes(new string('x', 300));
        byte[] valid;
        using (var signer = Chain())
        {
            valid = AwsChunkedEncoding.Encode(payload, 64, signer);
        }

        for (var i = 0; i < 400; i++)
        {
            var mutated = new List<byte>(valid);
            for (var m = random.Next(1, 4); m > 0; m--)
            {
                var at = random.Next(mutated.Count);
                switch (random.Next(4))
                {
                    case 0:
                        mutated[at] = (byte)random.Next(256);
                        break;
                    case 1:
                        mutated.Insert(at, (byte)"\r\n;0afz="[random.Next(8)]);
                        break;
                    case 2:
                        mutated.RemoveAt(at);
                        break;
                    default:
                        mutated.RemoveRange(at, mutated.Count - at);
                        break;
                }
            }

            using var chain = Chain();
            try
            {
                var decoded = await DecodeAsync([.. mutated], payload.Length, chain, piece: random.Next(1, 100), readSize: random.Next(1, 200));
                Assert.Equal(payload, decoded);
            }
            catch (AwsChunkedBodyException error)
            {
                Assert.True(error.Status is SignatureStatus.IncompleteBody or SignatureStatus.Mismatch, error.Status.ToString());
            }
        }
    }
}
