// SPDX-License-Identifier: Apache-2.0
namespace Nimbus.Init.Http;

/// <summary>Answers one request; null means the client went away and the connection is closed without an answer.</summary>
internal interface IRequestHandler
{
    /// <summary>The answer to a request (null: none, the connection ends); awaited once.</summary>
    ValueTask<HttpResponse?> HandleAsync(HttpRequest request, HttpConnection connection, CancellationToken cancellationToken);

    /// <summary>
    /// True when the handler reads this request's body itself, as it arrives (<see cref="HttpConnection.StreamBodyAsync"/>),
    /// instead of getting it whole: asked once the head is read.
    /// </summary>
    bool StreamsBody(HttpRequest request);
}
