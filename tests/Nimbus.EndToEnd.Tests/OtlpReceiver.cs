// SPDX-License-Identifier: Apache-2.0
using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;

namespace Nimbus.EndToEnd.Tests;

/// <summary>
/// An OTLP/HTTP receiver the test runs: it takes the protobuf POSTs to <c>/v1/traces</c>, answers 200, and keeps each
/// body, so that a test can look for a trace id's 16 bytes in what the server exported.
/// </summary>
public sealed class OtlpReceiver : IAsyncDisposable
{
    private readonly HttpListener _listener = new();
    private readonly ConcurrentQueue<byte[]> _bodies = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;

    public OtlpReceiver()
    {
        using (var probe = new TcpListener(IPAddress.Loopback, 0))
        {
            probe.Start();
            Port = ((IPEndPoint)probe.LocalEndpoint).Port;
        }

        _listener.Prefixes.Add($"http://127.0.0.1:{Port}/");
        _listener.Start();
        _loop = Task.Run(ServeAsync);
    }

    public int Port { get; }

    public string Endpoint => $"http://127.0.0.1:{Port}";

    /// <summary>Waits (until the deadline) for a body to /v1/traces that holds <paramref name="bytes"/>.</summary>
    public async Task<bool> WaitForAsync(byte[] bytes, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            foreach (var body in _bodies)
            {
                if (body.AsSpan().IndexOf(bytes) >= 0)
                {
                    return true;
                }
            }

            await Task.Delay(100, cancellationToken);
        }

        return false;
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        try
        {
            await _loop;
        }
        catch (Exception e) when (e is HttpListenerException or ObjectDisposedException)
        {
        }

        _listener.Close();
        _stop.Dispose();
    }

    private async Task ServeAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }

            using var buffer = new MemoryStream();
            await context.Request.InputStream.CopyToAsync(buffer, _stop.Token);
            if (context.Request.Url?.AbsolutePath == "/v1/traces" && context.Request.HttpMethod == "POST")
            {
                _bodies.Enqueue(buffer.ToArray());
            }

            context.Response.StatusCode = 200;
            context.Response.ContentType = "application/x-protobuf";
            context.Response.Close();
        }
    }
}
