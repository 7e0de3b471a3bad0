// SPDX-License-Identifier: Apache-2.0
using System.Net;
using Nimbus.TestKit;

namespace Nimbus.Bench;

/// <summary>The one set of client settings every figure uses, for Nimbus and for the echo reference alike.</summary>
internal static class HttpClients
{
    public static HttpClient Create(Uri baseAddress) => new(Handler())
    {
        BaseAddress = baseAddress,
        Timeout = TimeSpan.FromSeconds(60),
    };

    /// <summary>A client for Nimbus: every request SigV4-signed with the root key the bench seeds, as an AWS SDK signs (for <paramref name="service"/>, else lambda or sqs).</summary>
    public static HttpClient CreateSigned(Uri baseAddress, string? service = null) => new(new SigV4SigningHandler(Handler(), service))
    {
        BaseAddress = baseAddress,
        Timeout = TimeSpan.FromSeconds(60),
    };

    private static SocketsHttpHandler Handler() => new()
    {
        MaxConnectionsPerServer = 1024,
        PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
        PooledConnectionIdleTimeout = Timeout.InfiniteTimeSpan,
        UseProxy = false,
        UseCookies = false,
        AutomaticDecompression = DecompressionMethods.None,
    };
}
