// SPDX-License-Identifier: Apache-2.0
using System.Globalization;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Primitives;
using Nimbus.Core.FunctionUrls;

namespace Nimbus.Api.FunctionUrls;

/// <summary>
/// A function URL's CORS settings applied to requests: preflights (OPTIONS with Origin and
/// Access-Control-Request-Method) are answered from the config without invoking the function, and responses to
/// allowed origins carry Access-Control-Allow-Origin, -Allow-Credentials and -Expose-Headers.
/// </summary>
internal static class FunctionUrlCorsPolicy
{
    public static bool IsPreflight(HttpRequest request) =>
        HttpMethods.IsOptions(request.Method)
        && request.Headers.ContainsKey("Origin")
        && request.Headers.ContainsKey("Access-Control-Request-Method");

    /// <summary>
    /// Answers a preflight: 200, with the CORS headers when the origin, method and headers are allowed, else without
    /// them (the browser then refuses the real request).
    /// </summary>
    public static void AnswerPreflight(HttpResponse response, HttpRequest request, FunctionUrlCors cors)
    {
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentLength = 0;
        var origin = request.Headers.Origin.ToString();
        var method = request.Headers.AccessControlRequestMethod.ToString();
        if (!OriginAllowed(cors, origin) || !Allowed(cors.AllowMethods, method) || !HeadersAllowed(cors, request.Headers.AccessControlRequestHeaders))
        {
            return;
        }

        var headers = response.Headers;
        headers.AccessControlAllowOrigin = AllowOriginValue(cors, origin);
        headers.AccessControlAllowMethods = string.Join(',', cors.AllowMethods ?? []);
        if (cors.AllowHeaders is { Count: > 0 } allowHeaders)
        {
            headers.AccessControlAllowHeaders = string.Join(',', allowHeaders);
        }

        if (cors.AllowCredentials == true)
        {
            headers.AccessControlAllowCredentials = "true";
        }

        if (cors.MaxAge is { } maxAge)
        {
            headers.AccessControlMaxAge = maxAge.ToString(CultureInfo.InvariantCulture);
        }

        headers.Vary = "Origin";
    }

    /// <summary>The CORS headers of an ordinary response to an allowed origin.</summary>
    public static void AddResponseHeaders(HttpResponse response, HttpRequest request, FunctionUrlCors? cors)
    {
        if (cors is null || !request.Headers.TryGetValue("Origin", out var originValues))
        {
            return;
        }

        var origin = originValues.ToString();
        if (!OriginAllowed(cors, origin))
        {
            return;
        }

        var headers = response.Headers;
        headers.AccessControlAllowOrigin = AllowOriginValue(cors, origin);
        if (cors.AllowCredentials == true)
        {
            headers.AccessControlAllowCredentials = "true";
        }

        if (cors.ExposeHeaders is { Count: > 0 } expose)
        {
            headers.AccessControlExposeHeaders = string.Join(',', expose);
        }

        headers.Append("Vary", "Origin");
    }

    private static bool OriginAllowed(FunctionUrlCors cors, string origin) => origin.Length > 0 && Allowed(cors.AllowOrigins, origin);

    /// <summary>"*" stays "*" unless credentials are allowed, where browsers require the origin itself.</summary>
    private static string AllowOriginValue(FunctionUrlCors cors, string origin) =>
        cors.AllowCredentials != true && cors.AllowOrigins is { } origins && origins.Contains("*") ? "*" : origin;

    private static bool Allowed(IReadOnlyList<string>? allowed, string value)
    {
        if (allowed is null)
        {
            return false;
        }

        foreach (var entry in allowed)
        {
            if (entry == "*" || string.Equals(entry, value, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }

    private static bool HeadersAllowed(FunctionUrlCors cors, StringValues requested)
    {
        foreach (var line in requested)
        {
            foreach (var name in (line ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                if (!Allowed(cors.AllowHeaders, name))
                {
                    return false;
                }
            }
        }

        return true;
    }
}
