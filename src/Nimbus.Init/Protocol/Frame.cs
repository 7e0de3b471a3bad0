// SPDX-License-Identifier: Apache-2.0
namespace Nimbus.Init.Protocol;

/// <summary>
/// One message: a type, string headers (ordered; a name may repeat) and an opaque body.
/// Wire form (little-endian): u32 length of everything after it, u8 type, u16 header count,
/// per header u16 name length + UTF-8 name + u32 value length + UTF-8 value, then the body to the end.
/// </summary>
internal sealed class Frame
{
    /// <summary>Largest frame accepted: a 6 MB payload plus headers, with room to spare.</summary>
    public const int MaxLength = 8 * 1024 * 1024;

    public Frame(FrameType type, IReadOnlyList<KeyValuePair<string, string>>? headers = null, ReadOnlyMemory<byte> body = default)
    {
        Type = type;
        Headers = headers ?? [];
        Body = body;
    }

    public FrameType Type { get; }

    public IReadOnlyList<KeyValuePair<string, string>> Headers { get; }

    public ReadOnlyMemory<byte> Body { get; }

    /// <summary>The first value of a header, or null.</summary>
    public string? Header(string name)
    {
        // By index: a foreach over the interface would make an enumerator per call (several per invocation).
        var headers = Headers;
        for (var i = 0; i < headers.Count; i++)
        {
            if (string.Equals(headers[i].Key, name, StringComparison.Ordinal))
            {
                return headers[i].Value;
            }
        }

        return null;
    }
}
