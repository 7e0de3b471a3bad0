// SPDX-License-Identifier: Apache-2.0
using System.Net.Http.Headers;

namespace Nimbus.Bench;

/// <summary>
/// One request the load loops repeat: the same POST with the same payload, body read to the end, for Nimbus's
/// Invoke and for the echo server alike, so that the two differ only in the server.
/// </summary>
internal sealed class PostTarget(string label, HttpClient http, Uri path, byte[] payload)
{
    private static readonly MediaTypeHeaderValue s_json = new("application/json");

    public string Label => label;

    /// <summary>True for a 200 without X-Amz-Function-Error.</summary>
    public async Task<bool> SendAsync(CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path)
        {
            Content = new ByteArrayContent(payload) { Headers = { ContentType = s_json } },
        };
        using var response = await http.SendAsync(request, cancellationToken);
        await response.Content.ReadAsByteArrayAsync(cancellationToken);
        return (int)response.StatusCode == 200 && !response.Headers.Contains("X-Amz-Function-Error");
    }
}
