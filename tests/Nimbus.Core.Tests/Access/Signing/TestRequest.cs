// SPDX-License-Identifier: Apache-2.0
using System.Security.Cryptography;
using System.Text;
using Nimbus.Core.Access.Signing;

namespace Nimbus.Core.Tests.Access.Signing;

/// <summary>A request as a server receives it: method, raw path and query, headers (several values joined by ',').</summary>
public sealed class TestRequest : ISignedRequest
{
    private readonly Dictionary<string, string> _headers = new(StringComparer.OrdinalIgnoreCase);

    public TestRequest(string method, string url, params (string Name, string Value)[] headers)
    {
        Method = method;
        var uri = new Uri(url);
        RawPath = uri.AbsolutePath;
        RawQuery = uri.Query.Length > 0 ? uri.Query[1..] : string.Empty;
        _headers["host"] = uri.IsDefaultPort ? uri.Host : $"{uri.Host}:{uri.Port}";
        foreach (var (name, value) in headers)
        {
            _headers[name] = _headers.TryGetValue(name, out var existing) && !name.Equals("host", StringComparison.OrdinalIgnoreCase)
                ? existing + "," + value
                : value;
        }
    }

    public string Method { get; }

    public string RawPath { get; init; }

    public string RawQuery { get; init; }

    public byte[] Body { get; init; } = [];

    public string PayloadHash => Convert.ToHexStringLower(SHA256.HashData(Body));

    public string? GetHeader(ReadOnlySpan<char> name) =>
        _headers.GetAlternateLookup<ReadOnlySpan<char>>().TryGetValue(name, out var value) ? value : null;

    public TestRequest With(string name, string value)
    {
        _headers[name] = value;
        return this;
    }

    public TestRequest Without(string name)
    {
        _headers.Remove(name);
        return this;
    }

    public static byte[] Utf8(string text) => Encoding.UTF8.GetBytes(text);
}
