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
                        line(Decode(buffer.AsSpan(0, length)));
                        length = 0;
                        buffer = new byte[ReadSize];
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

    private static string Decode(ReadOnlySpan<byte> bytes) =>
        Encoding.UTF8.GetString(bytes.Length > 0 && bytes[^1] == (byte)'\r' ? bytes[..^1] : bytes);
}
