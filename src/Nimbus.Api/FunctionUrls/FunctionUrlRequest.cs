// SPDX-License-Identifier: Apache-2.0
using Microsoft.AspNetCore.Http;
using Nimbus.Core.Access;

namespace Nimbus.Api.FunctionUrls;

/// <summary>One request to a function URL, as its event describes it.</summary>
internal sealed record FunctionUrlRequest
{
    public required HttpRequest Http { get; init; }

    public required string UrlId { get; init; }

    /// <summary>The host the client addressed (the URL's own, or the server's for the path form).</summary>
    public required string DomainName { get; init; }

    /// <summary>The function's path, as sent (the path form's /_url/&lt;id&gt; taken off).</summary>
    public required string RawPath { get; init; }

    /// <summary>The query string as sent, without the '?'.</summary>
    public required string RawQuery { get; init; }

    public required string RequestId { get; init; }

    public required string SourceIp { get; init; }

    public required string TraceId { get; init; }

    public required DateTimeOffset Time { get; init; }

    /// <summary>The signed caller of an AWS_IAM URL; null for NONE.</summary>
    public CallerIdentity? Caller { get; init; }
}
