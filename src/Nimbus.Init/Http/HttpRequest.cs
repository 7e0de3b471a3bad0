// SPDX-License-Identifier: Apache-2.0
namespace Nimbus.Init.Http;

/// <summary>A parsed request with its body read (or, when over the limit, counted and dropped).</summary>
internal sealed class HttpRequest
{
    public required string Method { get; init; }

    /// <summary>The request target without its query string.</summary>
    public required string Path { get; init; }

    public required IReadOnlyList<KeyValuePair<string, string>> Headers { get; init; }

    /// <summary>The body, or null when it was longer than the limit.</summary>
    public byte[]? Body { get; set; } = [];

    /// <summary>How many body bytes the client sent.</summary>
    public long BodyLength { get; set; }

    public bool KeepAlive { get; init; }

    /// <summary>The body is left on the connection for the handler to read as it arrives (a streamed response).</summary>
    public bool BodyPending { get; set; }

    /// <summary>The first value of a header (names compared case-insensitively), or null.</summary>
    public string? Header(string name)
    {
        // By index: a foreach over the interface would make an enumerator per call (several per invocation).
        var headers = Headers;
        for (var i = 0; i < headers.Count; i++)
        {
            if (string.Equals(headers[i].Key, name, StringComparison.OrdinalIgnoreCase))
            {
                return headers[i].Value;
            }
        }

        return null;
    }
}
