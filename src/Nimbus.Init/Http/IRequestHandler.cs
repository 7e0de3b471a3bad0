// SPDX-License-Identifier: Apache-2.0
namespace Nimbus.Init.Http;

/// <summary>Answers one request; null means the client went away and the connection is closed without an answer.</summary>
internal interface IRequestHandler
{
    Task<HttpResponse?> HandleAsync(HttpRequest request, HttpConnection connection, CancellationToken cancellationToken);
}
