// SPDX-License-Identifier: Apache-2.0
namespace Nimbus.Core.FunctionUrls;

/// <summary>
/// A function URL: one per function qualifier ($LATEST or an alias), reached by its <see cref="UrlId"/>, which is
/// derived from the account, region, function and qualifier, so it never changes for that function and qualifier.
/// </summary>
public sealed record FunctionUrlConfig
{
    public const string AuthNone = "NONE";
    public const string AuthIam = "AWS_IAM";
    public const string Buffered = "BUFFERED";
    public const string ResponseStream = "RESPONSE_STREAM";

    public required string FunctionName { get; init; }

    /// <summary>$LATEST or an alias name.</summary>
    public required string Qualifier { get; init; }

    /// <summary>The 32-character lowercase id in the URL's host name.</summary>
    public required string UrlId { get; init; }

    public required string AuthType { get; init; }

    public string InvokeMode { get; init; } = Buffered;

    public FunctionUrlCors? Cors { get; init; }

    public required DateTimeOffset CreationTime { get; init; }

    public required DateTimeOffset LastModifiedTime { get; init; }
}
