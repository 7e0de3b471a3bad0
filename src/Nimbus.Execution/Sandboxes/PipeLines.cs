// SPDX-License-Identifier: Apache-2.0
using System.Text;

namespace Nimbus.Execution.Sandboxes;

/// <summary>
/// Reads a helper's output pipe to its end and hands on each line, for pipes that stay open as long as a sandbox and
/// carry little (runc's and its container init's messages, slirp4netns's): a 256-byte buffer, grown only for a long
/// line, instead of a <see cref="StreamReader"/>'s 12 KiB held for the sandbox's life. A line longer than
/// <see cref="MaxLineBytes"/> is handed on in pieces.
/// </summary>
internal static class PipeLines
{
    public const int MaxLineBytes = 4096;

    private const int ReadSize = 256;

    /// <summary>Completes at the pipe's end (or when it breaks); disposes <paramref name="pipe"/>.</summary>
    public static async Task ForwardAsync(Stream pipe, Action<string> line)
    {
        await using var owned = pipe;
        var buffer = new byte[ReadSize];
        var length = 0;
        try
        {
            while (true)
            {
                if (length == buffer.Length)
                {
                    if (length >= MaxLineBytes)
                    {
                        // A piece of a long line, cut before a character that is not complete in it.
                        var cut = WholeCharacters(buffer.AsSpan(0, length));
                        line(Encoding.UTF8.GetString(buffer, 0, cut));
                        var rest = length - cut;
                        var next = new byte[ReadSize];
                        buffer.AsSpan(cut, rest).CopyTo(next);
                        buffer = next;
                        length = rest;
                    }
                    else
                    {
                        Array.Resize(ref buffer, Math.Min(buffer.Length * 2, MaxLineBytes));
                    }
                }

                var read = await pipe.ReadAsync(buffer.AsMemory(length), CancellationToken.None);
                if (read == 0)
                {
                    break;
                }

                var start = 0;
                var end = length + read;
                int newline;
                while ((newline = buffer.AsSpan(start, end - start).IndexOf((byte)'\n')) >= 0)
                {
                    line(Decode(buffer.AsSpan(start, newline)));
                    start += newline + 1;
                }

                buffer.AsSpan(start, end - start).CopyTo(buffer);
                length = end - start;
                if (length == 0 && buffer.Length > ReadSize)
                {
                    buffer = new byte[ReadSize];
                }
            }
        }
        catch (IOException)
        {
        }
        catch (ObjectDisposedException)
        {
        }

        if (length > 0)
        {
            line(Decode(buffer.AsSpan(0, length)));
        }
    }

    /// <summary>How many of <paramref name="bytes"/> end with a whole UTF-8 character (all but an incomplete last one).</summary>
    private static int WholeCharacters(ReadOnlySpan<byte> bytes)
    {
        var lead = bytes.Length - 1;
        while (lead > 0 && bytes.Length - lead < 4 && (bytes[lead] & 0xC0) == 0x80)
        {
            lead--;
        }

        var first = bytes[lead];
        var size = first >= 0xF0 ? 4 : first >= 0xE0 ? 3 : first >= 0xC0 ? 2 : 1;
        return bytes.Length - lead < size ? lead : bytes.Length;
    }

    private static string Decode(ReadOnlySpan<byte> bytes) =>
        Encoding.UTF8.GetString(bytes.Length > 0 && bytes[^1] == (byte)'\r' ? bytes[..^1] : bytes);
}
