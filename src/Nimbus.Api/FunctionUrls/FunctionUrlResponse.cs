// SPDX-License-Identifier: Apache-2.0
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace Nimbus.Api.FunctionUrls;

/// <summary>
/// Turns a function's answer into the HTTP response, as function URLs do (payload format 2.0): a JSON object with a
/// statusCode is a response description (statusCode, headers, multiValueHeaders, cookies → Set-Cookie, body,
/// isBase64Encoded); any other answer is the body of a 200 with content-type application/json.
/// </summary>
internal static class FunctionUrlResponse
{
    public const string JsonContentType = "application/json";

    /// <summary>Sets status, headers and returns the body to write; false when the description is malformed (a 502).</summary>
    public static bool TryMap(HttpResponse response, ReadOnlyMemory<byte> payload, out ReadOnlyMemory<byte> body)
    {
        body = payload;
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(payload);
        }
        catch (JsonException)
        {
            // Not JSON at all (a custom runtime's raw bytes): passed on as the body.
            Inferred(response);
            return true;
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("statusCode", out var status))
            {
                Inferred(response);
                return true;
            }

            if (status.ValueKind != JsonValueKind.Number || !status.TryGetInt32(out var code) || code is < 100 or > 599)
            {
                return false;
            }

            response.StatusCode = code;
            if (root.TryGetProperty("headers", out var headers) && headers.ValueKind == JsonValueKind.Object)
            {
                foreach (var header in headers.EnumerateObject())
                {
                    if (!IsFraming(header.Name))
                    {
                        response.Headers.Append(header.Name, Text(header.Value));
                    }
                }
            }

            if (root.TryGetProperty("multiValueHeaders", out var multi) && multi.ValueKind == JsonValueKind.Object)
            {
                foreach (var header in multi.EnumerateObject())
                {
                    if (header.Value.ValueKind == JsonValueKind.Array && !IsFraming(header.Name))
                    {
                        foreach (var item in header.Value.EnumerateArray())
                        {
                            response.Headers.Append(header.Name, Text(item));
                        }
                    }
                }
            }

            if (root.TryGetProperty("cookies", out var cookies) && cookies.ValueKind == JsonValueKind.Array)
            {
                foreach (var cookie in cookies.EnumerateArray())
                {
                    response.Headers.Append("Set-Cookie", Text(cookie));
                }
            }

            if (response.ContentType is null)
            {
                response.ContentType = JsonContentType;
            }

            body = ReadOnlyMemory<byte>.Empty;
            if (root.TryGetProperty("body", out var value) && value.ValueKind != JsonValueKind.Null)
            {
                var base64 = root.TryGetProperty("isBase64Encoded", out var flag) && flag.ValueKind == JsonValueKind.True;
                if (value.ValueKind != JsonValueKind.String)
                {
                    body = Encoding.UTF8.GetBytes(value.GetRawText());
                }
                else if (base64)
                {
                    if (!value.TryGetBytesFromBase64(out var bytes))
                    {
                        return false;
                    }

                    body = bytes;
                }
                else
                {
                    body = Encoding.UTF8.GetBytes(value.GetString()!); // A String element's value is never null.
                }
            }

            return true;
        }
    }

    /// <summary>AWS's answer when the function failed, timed out or described its response wrongly.</summary>
    public static Task WriteBadGatewayAsync(HttpResponse response, CancellationToken cancellationToken) =>
        WriteStatusAsync(response, StatusCodes.Status502BadGateway, "Internal Server Error", cancellationToken);

    /// <summary>A status with a short body (the front end's own answers: 403, 404, 413, 429, 502).</summary>
    public static async Task WriteStatusAsync(HttpResponse response, int status, string message, CancellationToken cancellationToken)
    {
        response.StatusCode = status;
        response.ContentType = JsonContentType;
        var bytes = Encoding.UTF8.GetBytes(message);
        response.ContentLength = bytes.Length;
        await response.Body.WriteAsync(bytes, cancellationToken);
    }

    private static void Inferred(HttpResponse response)
    {
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = JsonContentType;
    }

    /// <summary>Headers that describe the message's framing are the server's to set, not the function's.</summary>
    private static bool IsFraming(string name) =>
        name.Equals("Content-Length", StringComparison.OrdinalIgnoreCase)
        || name.Equals("Transfer-Encoding", StringComparison.OrdinalIgnoreCase)
        || name.Equals("Connection", StringComparison.OrdinalIgnoreCase);

    private static string Text(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => value.GetString()!, // A String element's value is never null.
        _ => value.GetRawText(),
    };
}
