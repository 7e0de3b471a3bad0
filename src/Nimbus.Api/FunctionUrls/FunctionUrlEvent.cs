// SPDX-License-Identifier: Apache-2.0
using System.Buffers;
using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Http.Features;

namespace Nimbus.Api.FunctionUrls;

/// <summary>
/// Writes a function URL request as AWS's event, payload format 2.0 (docs: "Invoking Lambda function URLs", request
/// payload format): version, routeKey, rawPath, rawQueryString, cookies, headers (lower-cased, repeated ones joined
/// by commas), queryStringParameters (repeated keys joined by commas), requestContext, body, isBase64Encoded.
/// </summary>
internal static class FunctionUrlEvent
{
    /// <summary>What AWS puts in requestContext.accountId for a NONE URL: the caller is not known.</summary>
    public const string AnonymousAccount = "anonymous";

    public static void Write(IBufferWriter<byte> output, FunctionUrlRequest request, ReadOnlySpan<byte> body)
    {
        using var json = new Utf8JsonWriter(output);
        json.WriteStartObject();
        json.WriteString("version", "2.0");
        json.WriteString("routeKey", "$default");
        json.WriteString("rawPath", request.RawPath);
        json.WriteString("rawQueryString", request.RawQuery);
        var http = request.Http;
        var cookies = http.Headers.Cookie;
        if (cookies.Count > 0)
        {
            json.WriteStartArray("cookies");
            foreach (var header in cookies)
            {
                foreach (var cookie in (header ?? "").Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
                {
                    json.WriteStringValue(cookie);
                }
            }

            json.WriteEndArray();
        }

        WriteHeaders(json, request);
        WriteQuery(json, request.RawQuery);
        WriteRequestContext(json, request);
        var binary = body.Length > 0 && !IsText(http.ContentType, body);
        if (body.Length > 0)
        {
            if (binary)
            {
                json.WriteBase64String("body", body);
            }
            else
            {
                json.WriteString("body", body);
            }
        }

        json.WriteBoolean("isBase64Encoded", binary);
        json.WriteEndObject();
    }

    /// <summary>Text bodies go as they are; everything else (and text that is not UTF-8) base64-encoded, as AWS does.</summary>
    public static bool IsText(string? contentType, ReadOnlySpan<byte> body)
    {
        if (string.IsNullOrEmpty(contentType))
        {
            return false;
        }

        var media = contentType.AsSpan();
        var semicolon = media.IndexOf(';');
        media = (semicolon < 0 ? media : media[..semicolon]).Trim();
        var text = media.StartsWith("text/", StringComparison.OrdinalIgnoreCase)
            || media.Equals("application/json", StringComparison.OrdinalIgnoreCase)
            || media.Equals("application/javascript", StringComparison.OrdinalIgnoreCase)
            || media.Equals("application/xml", StringComparison.OrdinalIgnoreCase)
            || media.EndsWith("+json", StringComparison.OrdinalIgnoreCase)
            || media.EndsWith("+xml", StringComparison.OrdinalIgnoreCase);
        return text && System.Text.Unicode.Utf8.IsValid(body);
    }

    private static void WriteHeaders(Utf8JsonWriter json, FunctionUrlRequest request)
    {
        var http = request.Http;
        json.WriteStartObject("headers");
        foreach (var (name, values) in http.Headers)
        {
            if (name.Equals("Cookie", StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            json.WriteString(name.ToLowerInvariant(), values.Count == 1 ? values[0] : string.Join(',', values.ToArray()));
        }

        // What AWS's front end adds about the connection.
        if (!http.Headers.ContainsKey("X-Forwarded-For"))
        {
            json.WriteString("x-forwarded-for", request.SourceIp);
        }

        if (!http.Headers.ContainsKey("X-Forwarded-Proto"))
        {
            json.WriteString("x-forwarded-proto", http.Scheme);
        }

        if (!http.Headers.ContainsKey("X-Forwarded-Port"))
        {
            json.WriteString("x-forwarded-port", (http.Host.Port ?? http.HttpContext.Connection.LocalPort).ToString(CultureInfo.InvariantCulture));
        }

        if (!http.Headers.ContainsKey("X-Amzn-Trace-Id"))
        {
            json.WriteString("x-amzn-trace-id", request.TraceId);
        }

        json.WriteEndObject();
    }

    private static void WriteQuery(Utf8JsonWriter json, string rawQuery)
    {
        if (rawQuery.Length == 0)
        {
            return;
        }

        // Ordered by first appearance; repeated keys joined by commas.
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        var order = new List<string>();
        foreach (var pair in rawQuery.Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var equals = pair.IndexOf('=', StringComparison.Ordinal);
            var key = Decode(equals < 0 ? pair : pair[..equals]);
            var value = equals < 0 ? "" : Decode(pair[(equals + 1)..]);
            if (values.TryGetValue(key, out var existing))
            {
                values[key] = existing + "," + value;
            }
            else
            {
                values[key] = value;
                order.Add(key);
            }
        }

        json.WriteStartObject("queryStringParameters");
        foreach (var key in order)
        {
            json.WriteString(key, values[key]);
        }

        json.WriteEndObject();
    }

    private static void WriteRequestContext(Utf8JsonWriter json, FunctionUrlRequest request)
    {
        var http = request.Http;
        json.WriteStartObject("requestContext");
        json.WriteString("accountId", request.Caller?.Account ?? AnonymousAccount);
        json.WriteString("apiId", request.UrlId);
        if (request.Caller is { } caller)
        {
            json.WriteStartObject("authorizer");
            json.WriteStartObject("iam");
            json.WriteString("accessKey", caller.AccessKeyId);
            json.WriteString("accountId", caller.Account);
            json.WriteString("callerId", caller.UserId);
            json.WriteNull("cognitoIdentity");
            json.WriteNull("principalOrgId");
            json.WriteString("userArn", caller.Arn);
            json.WriteString("userId", caller.UserId);
            json.WriteEndObject();
            json.WriteEndObject();
        }

        json.WriteString("domainName", request.DomainName);
        json.WriteString("domainPrefix", request.UrlId);
        json.WriteStartObject("http");
        json.WriteString("method", http.Method);
        json.WriteString("path", request.RawPath);
        json.WriteString("protocol", http.HttpContext.Features.Get<IHttpRequestFeature>()?.Protocol ?? http.Protocol);
        json.WriteString("sourceIp", request.SourceIp);
        json.WriteString("userAgent", http.Headers.UserAgent.ToString());
        json.WriteEndObject();
        json.WriteString("requestId", request.RequestId);
        json.WriteString("routeKey", "$default");
        json.WriteString("stage", "$default");
        json.WriteString("time", request.Time.UtcDateTime.ToString("dd'/'MMM'/'yyyy':'HH':'mm':'ss '+0000'", CultureInfo.InvariantCulture));
        json.WriteNumber("timeEpoch", request.Time.ToUnixTimeMilliseconds());
        json.WriteEndObject();
    }

    private static string Decode(string value) => Uri.UnescapeDataString(value.Replace('+', ' '));
}
