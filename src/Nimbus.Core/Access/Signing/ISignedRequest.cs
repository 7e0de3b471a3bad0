// SPDX-License-Identifier: Apache-2.0
namespace Nimbus.Core.Access.Signing;

/// <summary>What SigV4 signs of an HTTP request, as it arrived on the wire.</summary>
public interface ISignedRequest
{
    /// <summary>The request method, upper case (GET, POST ...).</summary>
    string Method { get; }

    /// <summary>The path exactly as sent (still percent-encoded), without the query.</summary>
    string RawPath { get; }

    /// <summary>The query exactly as sent, without the leading '?'; empty when there is none.</summary>
    string RawQuery { get; }

    /// <summary>
    /// The value of a header by its lower-case name, several occurrences joined by ',' (SigV4's rule); null when
    /// the request does not carry it. Called with the names the client listed as signed; an implementation can
    /// answer the usual ones without allocating.
    /// </summary>
    string? GetHeader(ReadOnlySpan<char> name);
}
