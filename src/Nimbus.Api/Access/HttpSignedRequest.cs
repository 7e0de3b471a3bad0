// SPDX-License-Identifier: Apache-2.0
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Net.Http.Headers;
using Nimbus.Core.Access.Signing;

namespace Nimbus.Api.Access;

/// <summary>
/// An ASP.NET Core request as SigV4 signs it: the path and query as the client sent them (Kestrel's raw target, not
/// the decoded <see cref="HttpRequest.Path"/>), and headers by name. The headers the AWS SDKs sign are looked up by
/// their constant names, so a verification allocates no strings for them.
/// </summary>
internal sealed class HttpSignedRequest : ISignedRequest
{
    private readonly HttpRequest _request;

    public HttpSignedRequest(HttpRequest request)
    {
        _request = request;
        var target = request.HttpContext.Features.Get<IHttpRequestFeature>()?.RawTarget;
        if (string.IsNullOrEmpty(target))
        {
            target = request.PathBase.Add(request.Path).ToUriComponent() + request.QueryString.ToUriComponent();
        }

        var question = target.IndexOf('?', StringComparison.Ordinal);
        RawPath = question < 0 ? target : target[..question];
        RawQuery = question < 0 ? string.Empty : target[(question + 1)..];
    }

    public string Method => _request.Method;

    public string RawPath { get; }

    public string RawQuery { get; }

    public string? GetHeader(ReadOnlySpan<char> name)
    {
        var key = name switch
        {
            "host" => HeaderNames.Host,
            "authorization" => HeaderNames.Authorization,
            "content-type" => HeaderNames.ContentType,
            "content-length" => HeaderNames.ContentLength,
            "content-md5" => HeaderNames.ContentMD5,
            "content-encoding" => HeaderNames.ContentEncoding,
            "date" => HeaderNames.Date,
            "user-agent" => HeaderNames.UserAgent,
            "x-amz-date" => SigV4.DateHeader,
            "x-amz-security-token" => SigV4.SecurityTokenHeader,
            "x-amz-content-sha256" => SigV4.ContentSha256Header,
            "x-amz-target" => "x-amz-target",
            "x-amz-invocation-type" => "x-amz-invocation-type",
            "x-amz-log-type" => "x-amz-log-type",
            "x-amz-client-context" => "x-amz-client-context",
            "x-amz-user-agent" => "x-amz-user-agent",
            "amz-sdk-invocation-id" => "amz-sdk-invocation-id",
            "amz-sdk-request" => "amz-sdk-request",
            _ => name.ToString(),
        };

        var values = _request.Headers[key];
        return values.Count switch
        {
            0 => null,
            1 => values[0],
            _ => string.Join(',', values.ToArray()),
        };
    }
}
