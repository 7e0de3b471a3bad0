// SPDX-License-Identifier: Apache-2.0
using System.Net;

namespace Nimbus.Bench;

/// <summary>
/// The reference: the least an HTTP request/response on loopback costs on this machine. A slim Kestrel app in this
/// process whose <c>POST /</c> answers with the request body.
/// </summary>
internal sealed class EchoServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private EchoServer(WebApplication app, Uri baseAddress)
    {
        _app = app;
        BaseAddress = baseAddress;
    }

    public Uri BaseAddress { get; }

    public static async Task<EchoServer> StartAsync(CancellationToken cancellationToken)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(options => options.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        app.MapPost("/", EchoAsync);

        // An OTLP/HTTP sink for the audit benchmark's server with tracing on: takes the spans, keeps nothing.
        app.MapPost("/v1/traces", () => Results.Ok());
        await app.StartAsync(cancellationToken);
        var address = app.Urls.First();
        return new EchoServer(app, new Uri(address));
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private static async Task EchoAsync(HttpContext context)
    {
        using var body = new MemoryStream();
        await context.Request.Body.CopyToAsync(body, context.RequestAborted);
        context.Response.ContentType = "application/json";
        context.Response.ContentLength = body.Length;
        await context.Response.Body.WriteAsync(body.GetBuffer().AsMemory(0, (int)body.Length), context.RequestAborted);
    }
}
