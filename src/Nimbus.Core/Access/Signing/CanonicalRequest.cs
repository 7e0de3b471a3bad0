// SPDX-License-Identifier: Apache-2.0
using System.Buffers;
using System.Text;

namespace Nimbus.Core.Access.Signing;

/// <summary>
/// SigV4's canonical request, written as bytes
/// (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_sigv-create-signed-request.html#create-canonical-request):
/// method, canonical URI, canonical query, canonical headers, signed headers and payload hash, one per line.
/// </summary>
internal static class CanonicalRequest
{
    private const int StackEntries = 64;

    /// <param name="normalizePath">
    /// Every service but S3 removes dot segments and empty segments from the path and encodes it once more
    /// (the client encodes the path it sends, then encodes that again to sign it); S3 signs the path as sent.
    /// </param>
    public static void Write(ref ByteWriter writer, ISignedRequest request, ReadOnlySpan<char> signedHeaders, ReadOnlySpan<char> payloadHash, bool normalizePath, bool presigned)
    {
        writer.WriteAscii(request.Method);
        writer.Write((byte)'\n');
        if (normalizePath)
        {
            WriteNormalizedPath(ref writer, request.RawPath);
        }
        else
        {
            writer.WriteAscii(request.RawPath.Length == 0 ? "/" : request.RawPath);
        }

        writer.Write((byte)'\n');
        WriteQuery(ref writer, request.RawQuery, presigned);
        writer.Write((byte)'\n');
        WriteHeaders(ref writer, request, signedHeaders);
        writer.Write((byte)'\n');
        writer.WriteAscii(signedHeaders);
        writer.Write((byte)'\n');
        writer.WriteAscii(payloadHash);
    }

    /// <summary>RFC 3986's remove_dot_segments, empty segments dropped too (as AWS's SDKs sign), each segment encoded.</summary>
    private static void WriteNormalizedPath(ref ByteWriter writer, string path)
    {
        if (path.Length == 0)
        {
            writer.Write((byte)'/');
            return;
        }

        Span<Range> stack = stackalloc Range[StackEntries];
        Range[]? rented = null;
        var count = 0;
        var start = 0;
        while (start <= path.Length)
        {
            var end = path.IndexOf('/', start);
            if (end < 0)
            {
                end = path.Length;
            }

            var segment = path.AsSpan(start, end - start);
            if (segment.Length > 0 && segment is not ".")
            {
                if (segment is "..")
                {
                    count = Math.Max(0, count - 1);
                }
                else
                {
                    if (count == stack.Length)
                    {
                        var bigger = ArrayPool<Range>.Shared.Rent(stack.Length * 2);
                        stack.CopyTo(bigger);
                        if (rented is not null)
                        {
                            ArrayPool<Range>.Shared.Return(rented);
                        }

                        rented = bigger;
                        stack = bigger;
                    }

                    stack[count++] = new Range(start, end);
                }
            }

            start = end + 1;
        }

        if (path[0] == '/')
        {
            writer.Write((byte)'/');
        }

        for (var i = 0; i < count; i++)
        {
            if (i > 0)
            {
                writer.Write((byte)'/');
            }

            UriEncoding.Encode(ref writer, path.AsSpan()[stack[i]], keepSlash: false);
        }

        if (count > 0 && path[^1] == '/')
        {
            writer.Write((byte)'/');
        }

        if (rented is not null)
        {
            ArrayPool<Range>.Shared.Return(rented);
        }
    }

    /// <summary>Every name=value pair decoded and encoded again, sorted by name then value; X-Amz-Signature left out of a presigned URL's.</summary>
    private static void WriteQuery(ref ByteWriter writer, string query, bool presigned)
    {
        if (query.Length == 0)
        {
            return;
        }

        // Each pair's canonical form goes to a scratch buffer first; (start, name length, length) triples index it.
        var scratch = new ByteWriter(query.Length * 3);
        Span<int> stackIndex = stackalloc int[StackEntries * 3];
        int[]? rented = null;
        var index = stackIndex;
        var count = 0;
        try
        {
            foreach (var range in query.AsSpan().Split('&'))
            {
                var pair = query.AsSpan()[range];
                if (pair.Length == 0)
                {
                    continue;
                }

                var equals = pair.IndexOf('=');
                var name = equals < 0 ? pair : pair[..equals];
                var value = equals < 0 ? [] : pair[(equals + 1)..];
                if (presigned && name.SequenceEqual(SigV4.SignatureParameter))
                {
                    continue;
                }

                if ((count + 1) * 3 > index.Length)
                {
                    var bigger = ArrayPool<int>.Shared.Rent(index.Length * 2);
                    index.CopyTo(bigger);
                    if (rented is not null)
                    {
                        ArrayPool<int>.Shared.Return(rented);
                    }

                    rented = bigger;
                    index = bigger;
                }

                var start = scratch.Length;
                UriEncoding.Reencode(ref scratch, name);
                var nameLength = scratch.Length - start;
                scratch.Write((byte)'=');
                UriEncoding.Reencode(ref scratch, value);
                index[count * 3] = start;
                index[(count * 3) + 1] = nameLength;
                index[(count * 3) + 2] = scratch.Length - start;
                count++;
            }

            // Insertion sort: queries are short, and this allocates nothing.
            var written = scratch.Written;
            for (var i = 1; i < count; i++)
            {
                for (var j = i; j > 0 && Compare(written, index, j - 1, j) > 0; j--)
                {
                    Swap(index, j - 1, j);
                }
            }

            for (var i = 0; i < count; i++)
            {
                if (i > 0)
                {
                    writer.Write((byte)'&');
                }

                writer.Write(written.Slice(index[i * 3], index[(i * 3) + 2]));
            }
        }
        finally
        {
            scratch.Dispose();
            if (rented is not null)
            {
                ArrayPool<int>.Shared.Return(rented);
            }
        }
    }

    private static int Compare(ReadOnlySpan<byte> written, Span<int> index, int a, int b)
    {
        var nameA = written.Slice(index[a * 3], index[(a * 3) + 1]);
        var nameB = written.Slice(index[b * 3], index[(b * 3) + 1]);
        var byName = nameA.SequenceCompareTo(nameB);
        if (byName != 0)
        {
            return byName;
        }

        var valueA = written.Slice(index[a * 3] + nameA.Length + 1, index[(a * 3) + 2] - nameA.Length - 1);
        var valueB = written.Slice(index[b * 3] + nameB.Length + 1, index[(b * 3) + 2] - nameB.Length - 1);
        return valueA.SequenceCompareTo(valueB);
    }

    private static void Swap(Span<int> index, int a, int b)
    {
        for (var k = 0; k < 3; k++)
        {
            (index[(a * 3) + k], index[(b * 3) + k]) = (index[(b * 3) + k], index[(a * 3) + k]);
        }
    }

    /// <summary>One "name:value" line per signed header: the value trimmed, runs of whitespace as one space.</summary>
    private static void WriteHeaders(ref ByteWriter writer, ISignedRequest request, ReadOnlySpan<char> signedHeaders)
    {
        foreach (var range in signedHeaders.Split(';'))
        {
            var name = signedHeaders[range];
            writer.WriteAscii(name);
            writer.Write((byte)':');
            var value = request.GetHeader(name);
            if (value is not null)
            {
                WriteCollapsed(ref writer, value.AsSpan().Trim());
            }

            writer.Write((byte)'\n');
        }
    }

    private static void WriteCollapsed(ref ByteWriter writer, ReadOnlySpan<char> value)
    {
        Span<byte> utf8 = stackalloc byte[4];
        var space = false;
        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            if (char.IsWhiteSpace(c))
            {
                space = true;
                continue;
            }

            if (space)
            {
                writer.Write((byte)' ');
                space = false;
            }

            if (c < 0x80)
            {
                writer.Write((byte)c);
            }
            else
            {
                var length = char.IsHighSurrogate(c) && i + 1 < value.Length && char.IsLowSurrogate(value[i + 1]) ? 2 : 1;
                var count = Encoding.UTF8.GetBytes(value.Slice(i, length), utf8);
                writer.Write(utf8[..count]);
                i += length - 1;
            }
        }
    }
}
