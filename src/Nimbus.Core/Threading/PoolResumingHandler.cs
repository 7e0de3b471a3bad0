// SPDX-License-Identifier: Apache-2.0
namespace Nimbus.Core.Threading;

/// <summary>
/// An HTTP client's handler whose answers are taken, and whose bodies are read, on the thread pool: the server's
/// downloads (runtimes, images) write files and unpack archives once they have them, which must not happen on an event
/// thread (<see cref="EventThreads"/>).
/// </summary>
public sealed class PoolResumingHandler(HttpMessageHandler inner) : DelegatingHandler(inner)
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        HttpResponseMessage response;
        try
        {
            response = await base.SendAsync(request, cancellationToken);
        }
        finally
        {
            await EventThreads.Leave();
        }

        response.Content = new PoolResumingContent(response.Content);
        return response;
    }
}
