// SPDX-License-Identifier: Apache-2.0
using Nimbus.Core.Access.Signing;

namespace Nimbus.Bench;

/// <summary>A request the bench writes itself, as SigV4 signs it: only Host and X-Amz-Date are signed.</summary>
internal sealed class RawRequest(string method, string path, string query, string host, string timestamp) : ISignedRequest
{
    public string Method => method;

    public string RawPath => path;

    public string RawQuery => query;

    public string? GetHeader(ReadOnlySpan<char> name) => name is "host" ? host : name is "x-amz-date" ? timestamp : null;
}
