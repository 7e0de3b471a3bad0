// SPDX-License-Identifier: Apache-2.0
namespace Nimbus.Core.Access.Signing;

/// <summary>
/// A parsed SigV4 authorization, from the Authorization header or a presigned URL's query. The parts are views into
/// one source string, so parsing a header allocates nothing; the value can be kept across awaits.
/// </summary>
public readonly struct SigV4Authorization
{
    private readonly string _source;
    private readonly Range _accessKeyId;
    private readonly Range _scope;
    private readonly Range _date;
    private readonly Range _region;
    private readonly Range _service;
    private readonly Range _signedHeaders;
    private readonly Range _signature;

    internal SigV4Authorization(string source, Range accessKeyId, Range scope, Range signedHeaders, Range signature, string timestamp, string? securityToken, int? expiresSeconds)
    {
        _source = source;
        _accessKeyId = accessKeyId;
        _scope = scope;
        _signedHeaders = signedHeaders;
        _signature = signature;
        Timestamp = timestamp;
        SecurityToken = securityToken;
        ExpiresSeconds = expiresSeconds;

        // The scope is date/region/service/aws4_request; the parser checked it has those four parts.
        var scopeText = source.AsSpan()[scope];
        var offset = scope.Start.GetOffset(source.Length);
        var first = scopeText.IndexOf('/');
        var second = first + 1 + scopeText[(first + 1)..].IndexOf('/');
        var third = second + 1 + scopeText[(second + 1)..].IndexOf('/');
        _date = new Range(offset, offset + first);
        _region = new Range(offset + first + 1, offset + second);
        _service = new Range(offset + second + 1, offset + third);
    }

    public ReadOnlySpan<char> AccessKeyId => _source.AsSpan()[_accessKeyId];

    /// <summary>The credential scope: <c>date/region/service/aws4_request</c>.</summary>
    public ReadOnlySpan<char> Scope => _source.AsSpan()[_scope];

    /// <summary>The scope's date, <c>yyyyMMdd</c>.</summary>
    public ReadOnlySpan<char> Date => _source.AsSpan()[_date];

    public ReadOnlySpan<char> Region => _source.AsSpan()[_region];

    public ReadOnlySpan<char> Service => _source.AsSpan()[_service];

    /// <summary>The lower-case names of the signed headers, ';'-separated, as the client sent them.</summary>
    public ReadOnlySpan<char> SignedHeaders => _source.AsSpan()[_signedHeaders];

    /// <summary>The signature, 64 hex digits.</summary>
    public ReadOnlySpan<char> Signature => _source.AsSpan()[_signature];

    /// <summary>X-Amz-Date as sent: <c>yyyyMMdd'T'HHmmss'Z'</c>.</summary>
    public string Timestamp { get; }

    /// <summary>x-amz-security-token / X-Amz-Security-Token: present with temporary credentials.</summary>
    public string? SecurityToken { get; }

    /// <summary>X-Amz-Expires of a presigned URL (seconds); null for a signed header.</summary>
    public int? ExpiresSeconds { get; }

    public bool IsPresigned => ExpiresSeconds is not null;
}
