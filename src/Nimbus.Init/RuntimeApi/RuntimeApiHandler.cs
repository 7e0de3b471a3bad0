// SPDX-License-Identifier: Apache-2.0
using Nimbus.Init.Extensions;
using Nimbus.Init.Host;
using Nimbus.Init.Http;
using Nimbus.Init.Protocol;

namespace Nimbus.Init.RuntimeApi;

/// <summary>
/// The Runtime API 2018-06-01 (shared/specs/runtime-api/runtime-api.yaml) on top of <see cref="HttpServer"/>, forwarding
/// what the runtime posts to the host as frames. The Extensions and Telemetry APIs go to <see cref="ExtensionsApiHandler"/>.
/// </summary>
internal sealed class RuntimeApiHandler : IRequestHandler
{
    private const string Prefix = "/2018-06-01";

    private readonly InvocationCoordinator _coordinator;
    private readonly HostLink _host;
    private readonly ExtensionSupervisor? _extensions;
    private readonly ExtensionsApiHandler? _extensionsApi;
    private readonly ConnectionHandover? _handover;
    private readonly Func<Frame, CancellationToken, Task> _send;

    public RuntimeApiHandler(InvocationCoordinator coordinator, HostLink host, ExtensionSupervisor? extensions = null, ConnectionHandover? handover = null)
    {
        _coordinator = coordinator;
        _host = host;
        _extensions = extensions;
        _extensionsApi = extensions is null ? null : new ExtensionsApiHandler(extensions);
        _handover = handover;
        _send = host.SendAsync;
    }

    public bool StreamsBody(HttpRequest request) => StreamedResponse.StreamsBody(request);

    public async ValueTask<HttpResponse?> HandleAsync(HttpRequest request, HttpConnection connection, CancellationToken cancellationToken)
    {
        var path = request.Path;
        var get = request.Method == "GET";
        var post = request.Method == "POST";
        if (ExtensionsApiHandler.Handles(path))
        {
            return _extensionsApi is null ? new HttpResponse(404) : await _extensionsApi.HandleAsync(request, connection, cancellationToken);
        }

        if (get && path is "/ping" or Prefix + "/ping")
        {
            return new HttpResponse(200, "pong"u8.ToArray(), "text/plain");
        }

        if (path.StartsWith(Prefix + "/", StringComparison.Ordinal))
        {
            if (_handover is not null && _coordinator.HandedOver)
            {
                // The host serves the runtime now: this connection follows with its request.
                return await _handover.TryFollowAsync(connection, request) ? null : Error(ApiError.Internal);
            }

            var route = path.AsSpan(Prefix.Length);
            if (get && route.SequenceEqual("/runtime/invocation/next"))
            {
                return await NextAsync(request, connection, cancellationToken);
            }

            if (post && route.SequenceEqual("/runtime/init/error"))
            {
                return await InitErrorAsync(request, _coordinator.BeginInitError(), cancellationToken);
            }

            if (get && route.SequenceEqual("/runtime/restore/next"))
            {
                return await RestoreNextAsync(cancellationToken);
            }

            if (post && route.SequenceEqual("/runtime/restore/error"))
            {
                return await InitErrorAsync(request, _coordinator.BeginRestoreError(), cancellationToken);
            }

            if (post && RuntimeApiAnswers.ResultRequestId(route, out var response) is { } requestId)
            {
                if (request.BodyPending)
                {
                    var streamed = await StreamedResponse.ForwardAsync(_coordinator, request, requestId, connection, _send, cancellationToken);
                    _extensions?.RuntimeAnswered(requestId, "success", request.BodyLength);
                    return streamed;
                }

                return response
                    ? await ResponseAsync(request, requestId, cancellationToken)
                    : await ErrorAsync(request, requestId, cancellationToken);
            }
        }

        return RuntimeApiAnswers.NotFound(request);
    }

    private async Task<HttpResponse?> NextAsync(HttpRequest request, HttpConnection connection, CancellationToken cancellationToken)
    {
        if (_coordinator.BeginNext(out var first) is { } refused)
        {
            return Error(refused);
        }

        if (!first && _handover is not null && await _handover.TryHandOverAsync(connection, request))
        {
            // The host answers this /next, and serves the runtime from now on.
            return null;
        }

        if (first)
        {
            // With extensions the init phase ends when they too wait for their first event (AWS's init ordering).
            var headers = _extensions is null ? [] : await _extensions.InitDoneAsync(cancellationToken);
            await _host.SendAsync(new Frame(FrameType.Ready, headers), cancellationToken);
        }

        // Take the invocation only while the client is still there: a runtime whose HTTP client gave up on the long
        // poll must not swallow it. While waiting, the connection reads ahead: an end of stream withdraws the wait,
        // and anything else read is kept for the next request (normally the POST of the result).
        var wait = _coordinator.TakeOrWaitAsync(connection, out var waiter);
        if (waiter is not null && !wait.IsCompleted)
        {
            // A /next whose client goes away is withdrawn, so the next invocation goes to a live one.
            connection.WatchForClose(static state => ((InvocationCoordinator.NextWaiter)state!).Withdraw(), waiter);
        }

        return await wait is { } invoke ? RuntimeApiAnswers.Event(invoke) : null;
    }

    private async Task<HttpResponse> ResponseAsync(HttpRequest request, string requestId, CancellationToken cancellationToken)
    {
        if (_coordinator.BeginResult(requestId, InvocationCoordinator.InvocationResponseName) is { } refused)
        {
            return Error(refused);
        }

        // A streaming response arrives here only when it was sent with a Content-Length of 0 or read whole.
        if (RuntimeApiAnswers.InvalidResponseMode(request))
        {
            return await ForwardAsync(RuntimeApiAnswers.InvalidResponseModeFrame(requestId), Error(ApiError.InvalidResponseMode), cancellationToken);
        }

        if (request.Body is null)
        {
            return await TooLargeAsync(requestId, request.BodyLength, cancellationToken);
        }

        var settled = _extensions?.SettlesWithAnswer(requestId) ?? false;
        var answer = await ForwardAsync(RuntimeApiAnswers.ResponseFrame(request, requestId, settled), Accepted(), cancellationToken);
        _extensions?.RuntimeAnswered(requestId, "success", request.Body.Length, settled);
        return answer;
    }

    private async Task<HttpResponse> ErrorAsync(HttpRequest request, string requestId, CancellationToken cancellationToken)
    {
        if (_coordinator.BeginResult(requestId, InvocationCoordinator.InvocationErrorResponseName) is { } refused)
        {
            return Error(refused);
        }

        if (request.Body is null)
        {
            return await TooLargeAsync(requestId, request.BodyLength, cancellationToken);
        }

        var settled = _extensions?.SettlesWithAnswer(requestId) ?? false;
        var frame = RuntimeApiAnswers.ErrorFrame(request, requestId, settled);
        var answer = await ForwardAsync(frame, Accepted(), cancellationToken);
        _extensions?.RuntimeAnswered(requestId, "error", frame.Body.Length, settled);
        return answer;
    }

    /// <summary>
    /// GET /runtime/restore/next (AWS's SnapStart contract: a java or dotnet runtime calls it after its init and its
    /// before-snapshot hooks, and runs its after-restore hooks once it returns). In a pre-initialized spare it ends
    /// the init phase and waits until the host takes the spare; elsewhere it returns at once.
    /// </summary>
    private async Task<HttpResponse> RestoreNextAsync(CancellationToken cancellationToken)
    {
        if (_coordinator.BeginRestoreNext() is { } refused)
        {
            return Error(refused);
        }

        if (_coordinator.Spare)
        {
            var headers = _extensions is null ? [] : await _extensions.InitDoneAsync(cancellationToken);
            await _host.SendAsync(new Frame(FrameType.Ready, headers), cancellationToken);
            await _coordinator.RestoredAsync(cancellationToken);
        }

        _coordinator.BeginRestoring();
        return new HttpResponse(200);
    }

    /// <summary>POST /runtime/init/error or /runtime/restore/error (<paramref name="refused"/>: the state check's answer).</summary>
    private async Task<HttpResponse> InitErrorAsync(HttpRequest request, ApiError? refused, CancellationToken cancellationToken)
    {
        if (refused is not null)
        {
            return Error(refused);
        }

        var headerType = request.Header("Lambda-Runtime-Function-Error-Type");
        var (errorType, body) = request.Body is null
            ? (ErrorPayload.NormalizeType(headerType ?? ""), ErrorPayload.Create("Init error payload too large", ErrorPayload.NormalizeType(headerType ?? "")))
            : ErrorPayload.Read(headerType, request.Header("Content-Type"), request.Body);
        var frame = new Frame(FrameType.InitError, [new(FrameHeaders.ErrorType, errorType)], body);
        _extensions?.RuntimeInitFailed(errorType);
        return await ForwardAsync(frame, request.Body is null ? Error(ApiError.TooLarge) : Accepted(), cancellationToken);
    }

    /// <summary>The invocation fails with Function.ResponseSizeTooLarge; the runtime gets 413 (RIE invocationresponse.go).</summary>
    private async Task<HttpResponse> TooLargeAsync(string requestId, long length, CancellationToken cancellationToken)
    {
        var answer = await ForwardAsync(RuntimeApiAnswers.TooLargeFrame(requestId, length), Error(ApiError.TooLarge), cancellationToken);
        _extensions?.RuntimeAnswered(requestId, "error", 0);
        return answer;
    }

    private Task<HttpResponse> ForwardAsync(Frame frame, HttpResponse answer, CancellationToken cancellationToken) =>
        StreamedResponse.SendOrFailAsync(_send, frame, answer, cancellationToken);

    private static HttpResponse Accepted() => RuntimeApiAnswers.Accepted();

    private static HttpResponse Error(ApiError error) => RuntimeApiAnswers.Error(error);
}
