// SPDX-License-Identifier: Apache-2.0
using System.Net;

namespace Nimbus.Bench;

/// <summary>The one set of client settings every figure uses, for Nimbus and for the echo reference alike.</summary>
internal static class HttpClients
{
    public static HttpClient Create(Uri baseAddress) => new(new SocketsHttpHandler
    {
        MaxConnectionsPerServer = 1024,
        PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
        PooledConnectionIdleTimeout = Timeout.InfiniteTimeSpan,
        UseProxy = false,
        UseCookies = false,
        AutomaticDecompression = DecompressionMethods.None,
    })
    {
        BaseAddress = baseAddress,
        Timeout = TimeSpan.FromSeconds(60),
    };
}
