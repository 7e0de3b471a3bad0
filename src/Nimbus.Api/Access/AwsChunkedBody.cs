// SPDX-License-Identifier: Apache-2.0
using System.Buffers;
using System.IO.Pipelines;
using Nimbus.Core.Access.Signing;

namespace Nimbus.Api.Access;

/// <summary>
/// The decoded payload of an aws-chunked request body (Content-Encoding aws-chunked, S3's "Transferring Payload in
/// Multiple Chunks"): <c>hex-size;chunk-signature=SIG\r\n DATA \r\n</c> per chunk, a final zero-length chunk, then for
/// the -TRAILER forms trailer lines (<c>x-amz-checksum-…:…</c>, and <c>x-amz-trailer-signature:SIG</c> when signed) and
/// an empty line. The authentication middleware installs it as the request's body, so every API reads the payload the
/// client meant. Each chunk's signature is verified when its data has passed; the end of the stream is reported only
/// once every signature checked out and the length is x-amz-decoded-content-length, so an API that reads to the end
/// (they all do before acting) never acts on a body that fails. Failures throw <see cref="AwsChunkedBodyException"/>.
/// </summary>
/// <remarks>The trailer's checksum is not recomputed: no API Nimbus serves stores it (S3 would).</remarks>
internal sealed class AwsChunkedBody : Stream
{
    /// <summary>A chunk header is about 100 bytes; trailer lines are short. Longer lines are not aws-chunked.</summary>
    private const int MaxLine = 4096;
    private const int MaxTrailerBytes = 16 * 1024;
    private const int SignatureHexLength = 64;

    // S3's IncompleteBody text; S3's wording for framing that is not aws-chunked at all is not documented (ours says what is wrong).
    private const string Incomplete = "You did not provide the number of bytes specified by the Content-Length HTTP header.";

    private static ReadOnlySpan<byte> SignatureParameter => ";chunk-signature="u8;
    private static ReadOnlySpan<byte> TrailerSignatureName => "x-amz-trailer-signature"u8;

    private readonly PipeReader _source;
    private readonly ChunkSignatureChain? _chain;
    private readonly bool _signedChunks;
    private readonly bool _trailer;
    private readonly long _decodedLength;
    private readonly byte[] _chunkSignature = new byte[SignatureHexLength];
    private ArrayBufferWriter<byte>? _trailerLines;
    private bool _trailerSigned;
    private State _state = State.ChunkHeader;
    private long _remaining;
    private long _decoded;

    /// <param name="source">The body as it arrives (Kestrel's reader).</param>
    /// <param name="signedChunks">Whether chunk headers carry <c>;chunk-signature=</c> (every form but STREAMING-UNSIGNED-PAYLOAD-TRAILER).</param>
    /// <param name="trailer">Whether trailer lines follow the final chunk (the -TRAILER forms).</param>
    /// <param name="chain">Verifies the signatures; null reads them without checking (Auth=off).</param>
    /// <param name="decodedLength">x-amz-decoded-content-length.</param>
    public AwsChunkedBody(PipeReader source, bool signedChunks, bool trailer, ChunkSignatureChain? chain, long decodedLength)
    {
        _source = source;
        _signedChunks = signedChunks;
        _trailer = trailer;
        _chain = chain;
        _decodedLength = decodedLength;
    }

    private enum State
    {
        ChunkHeader,
        Data,
        DataEnd,
        FinalLine,
        Trailer,
        End,
        Done,
    }

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        while (true)
        {
            if (_state == State.Done)
            {
                return 0;
            }

            if (_state != State.Data)
            {
                await ReadFramingAsync(cancellationToken);
                continue;
            }

            if (buffer.IsEmpty)
            {
                return 0;
            }

            var read = await _source.ReadAsync(cancellationToken);
            var available = read.Buffer;
            if (available.IsEmpty)
            {
                _source.AdvanceTo(available.End);
                if (read.IsCompleted)
                {
                    throw Fail(SignatureStatus.IncompleteBody, Incomplete);
                }

                continue;
            }

            var count = (int)Math.Min(Math.Min(available.Length, _remaining), buffer.Length);
            var taken = available.Slice(0, count);
            taken.CopyTo(buffer.Span);
            _source.AdvanceTo(taken.End);
            _chain?.Append(buffer.Span[..count]);
            _remaining -= count;
            _decoded += count;
            if (_remaining == 0)
            {
                _state = State.DataEnd;
            }

            return count;
        }
    }

    public override int Read(byte[] buffer, int offset, int count) =>
        throw new InvalidOperationException("Synchronous reads of a request body are not allowed; use ReadAsync.");

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _chain?.Dispose();
        }

        base.Dispose(disposing);
    }

    /// <summary>Reads one framing line (or, at the end, the end of the body) and moves the state on.</summary>
    private async ValueTask ReadFramingAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            var read = await _source.ReadAsync(cancellationToken);
            var buffer = read.Buffer;
            if (_state == State.End)
            {
                _source.AdvanceTo(buffer.Start, buffer.End);
                if (!buffer.IsEmpty)
                {
                    throw Fail(SignatureStatus.IncompleteBody, Malformed("there is data after the final chunk"));
                }

                if (read.IsCompleted)
                {
                    _state = _decoded == _decodedLength ? State.Done : throw Fail(SignatureStatus.IncompleteBody, Incomplete);
                    return;
                }

                continue;
            }

            var newline = buffer.PositionOf((byte)'\n');
            if (newline is not { } end)
            {
                _source.AdvanceTo(buffer.Start, buffer.End);
                if (buffer.Length > MaxLine)
                {
                    throw Fail(SignatureStatus.IncompleteBody, Malformed("a chunk header or trailer line is too long"));
                }

                if (read.IsCompleted)
                {
                    throw Fail(SignatureStatus.IncompleteBody, Incomplete);
                }

                continue;
            }

            var line = buffer.Slice(0, end);
            string? error;
            if (line.Length > MaxLine)
            {
                error = Malformed("a chunk header or trailer line is too long");
            }
            else if (line.IsSingleSegment)
            {
                error = OnLine(line.FirstSpan);
            }
            else
            {
                var copy = ArrayPool<byte>.Shared.Rent((int)line.Length);
                line.CopyTo(copy);
                error = OnLine(copy.AsSpan(0, (int)line.Length));
                ArrayPool<byte>.Shared.Return(copy);
            }

            _source.AdvanceTo(buffer.GetPosition(1, end));
            if (error is not null)
            {
                throw Fail(error == SigV4.SignatureMismatchMessage ? SignatureStatus.Mismatch : SignatureStatus.IncompleteBody, error);
            }

            return;
        }
    }

    /// <summary>Handles one line (up to its '\n'); returns what is wrong with it, or null.</summary>
    private string? OnLine(ReadOnlySpan<byte> line)
    {
        if (line.IsEmpty || line[^1] != (byte)'\r')
        {
            return Malformed("a line does not end in CRLF");
        }

        line = line[..^1];
        switch (_state)
        {
            case State.DataEnd:
                if (!line.IsEmpty)
                {
                    return Malformed("a chunk's data is longer than its size");
                }

                _state = State.ChunkHeader;
                return _chain is null || !_signedChunks || _chain.VerifyChunk(_chunkSignature) ? null : SigV4.SignatureMismatchMessage;
            case State.ChunkHeader:
                return OnChunkHeader(line);
            case State.FinalLine:
                _state = State.End;
                return line.IsEmpty ? null : Malformed("the final chunk is not followed by an empty line");
            default:
                return OnTrailerLine(line);
        }
    }

    private string? OnChunkHeader(ReadOnlySpan<byte> line)
    {
        var semicolon = line.IndexOf((byte)';');
        var hex = semicolon < 0 ? line : line[..semicolon];
        if (hex.IsEmpty || hex.Length > 15 || !TryParseHex(hex, out var size))
        {
            return Malformed("a chunk size is not hexadecimal");
        }

        if (_signedChunks)
        {
            var parameter = semicolon < 0 ? [] : line[semicolon..];
            if (!parameter.StartsWith(SignatureParameter) || parameter.Length != SignatureParameter.Length + SignatureHexLength)
            {
                return Malformed("a chunk header has no chunk-signature");
            }

            parameter[SignatureParameter.Length..].CopyTo(_chunkSignature);
        }
        else if (semicolon >= 0)
        {
            return Malformed("an unsigned chunk header has parameters");
        }

        if (size > _decodedLength - _decoded)
        {
            return Incomplete;
        }

        if (size > 0)
        {
            _remaining = size;
            _state = State.Data;
            return null;
        }

        // The final chunk: signed over no data, then an empty line (or the trailer).
        _state = _trailer ? State.Trailer : State.FinalLine;
        return _chain is null || !_signedChunks || _chain.VerifyChunk(_chunkSignature) ? null : SigV4.SignatureMismatchMessage;
    }

    private string? OnTrailerLine(ReadOnlySpan<byte> line)
    {
        if (line.IsEmpty)
        {
            _state = State.End;
            return _signedChunks && !_trailerSigned ? Malformed("the trailer has no x-amz-trailer-signature") : null;
        }

        var colon = line.IndexOf((byte)':');
        if (colon <= 0 || _trailerSigned)
        {
            return Malformed("a trailer line is not name:value");
        }

        var name = line[..colon];
        if (_signedChunks && name.SequenceEqual(TrailerSignatureName))
        {
            _trailerSigned = true;
            var lines = _trailerLines is null ? [] : _trailerLines.WrittenSpan;
            return _chain is null || _chain.VerifyTrailer(lines, line[(colon + 1)..]) ? null : SigV4.SignatureMismatchMessage;
        }

        _trailerLines ??= new ArrayBufferWriter<byte>(128);
        if (_trailerLines.WrittenCount + line.Length + 1 > MaxTrailerBytes)
        {
            return Malformed("the trailer is too long");
        }

        _trailerLines.Write(line);
        _trailerLines.Write("\n"u8);
        return null;
    }

    private static bool TryParseHex(ReadOnlySpan<byte> hex, out long value)
    {
        value = 0;
        foreach (var b in hex)
        {
            var digit = HexConverter(b);
            if (digit < 0)
            {
                return false;
            }

            value = (value << 4) | (uint)digit;
        }

        return true;
    }

    private static int HexConverter(byte b) => b switch
    {
        >= (byte)'0' and <= (byte)'9' => b - '0',
        >= (byte)'a' and <= (byte)'f' => b - 'a' + 10,
        >= (byte)'A' and <= (byte)'F' => b - 'A' + 10,
        _ => -1,
    };

    private static string Malformed(string what) => $"The aws-chunked request body is malformed: {what}.";

    private static AwsChunkedBodyException Fail(SignatureStatus status, string message) => new(status, message);
}
