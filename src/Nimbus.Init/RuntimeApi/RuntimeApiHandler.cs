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
internal sealed partial class RuntimeApiHandler : IRequestHandler
{
    private const string Prefix = "/2018-06-01";
    private const string InvocationPath = "/runtime/invocation/";
    private const string JsonContentType = "application/json";

    private static readonly byte[] s_accepted = """{"status":"OK"}"""u8.ToArray();

    private readonly InvocationCoordinator _coordinator;
    private readonly HostLink _host;
    private readonly ExtensionSupervisor? _extensions;
    private readonly ExtensionsApiHandler? _extensionsApi;

    public RuntimeApiHandler(InvocationCoordinator coordinator, HostLink host, ExtensionSupervisor? extensions = null)
    {
        _coordinator = coordinator;
        _host = host;
        _extensions = extensions;
        _extensionsApi = extensions is null ? null : new ExtensionsApiHandler(extensions);
    }

    public async Task<HttpResponse?> HandleAsync(HttpRequest request, HttpConnection connection, CancellationToken cancellationToken)
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
            var route = path.AsSpan(Prefix.Length);
            if (get && route.SequenceEqual(InvocationPath + "next"))
            {
                return await NextAsync(connection, cancellationToken);
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

            if (post && route.StartsWith(InvocationPath, StringComparison.Ordinal))
            {
                var rest = route[InvocationPath.Length..];
                var slash = rest.LastIndexOf('/');
                if (slash >= 0 && rest[(slash + 1)..] is "response" or "error")
                {
                    var requestId = Uri.UnescapeDataString(rest[..slash].ToString());
                    if (request.BodyPending)
                    {
                        var streamed = await StreamedResponseAsync(request, requestId, connection, cancellationToken);
                        _extensions?.RuntimeAnswered(requestId, "success", request.BodyLength);
                        return streamed;
                    }

                    return rest.EndsWith("/response", StringComparison.Ordinal)
                        ? await ResponseAsync(request, requestId, cancellationToken)
                        : await ErrorAsync(request, requestId, cancellationToken);
                }
            }
        }

        return Error(new ApiError(404, "NotFound", $"No route for {request.Method} {path}"));
    }

    private async Task<HttpResponse?> NextAsync(HttpConnection connection, CancellationToken cancellationToken)
    {
        if (_coordinator.BeginNext(out var first) is { } refused)
        {
            return Error(refused);
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

        return await wait is { } invoke ? Event(invoke) : null;
    }

    private static HttpResponse Event(Frame invoke)
    {
        var response = new HttpResponse(200, invoke.Body, NonEmpty(invoke.Header(FrameHeaders.ContentType)) ?? JsonContentType);
        Add(response, "Lambda-Runtime-Aws-Request-Id", invoke.Header(FrameHeaders.RequestId));
        Add(response, "Lambda-Runtime-Deadline-Ms", invoke.Header(FrameHeaders.DeadlineMs));
        Add(response, "Lambda-Runtime-Invoked-Function-Arn", invoke.Header(FrameHeaders.FunctionArn));
        Add(response, "Lambda-Runtime-Trace-Id", invoke.Header(FrameHeaders.TraceId));
        Add(response, "Lambda-Runtime-Client-Context", invoke.Header(FrameHeaders.ClientContext));
        Add(response, "Lambda-Runtime-Cognito-Identity", invoke.Header(FrameHeaders.CognitoIdentity));
        return response;
    }

    private async Task<HttpResponse> ResponseAsync(HttpRequest request, string requestId, CancellationToken cancellationToken)
    {
        if (_coordinator.BeginResult(requestId, InvocationCoordinator.InvocationResponseName) is { } refused)
        {
            return Error(refused);
        }

        // A streaming response arrives here only when it was sent with a Content-Length of 0 or read whole.
        var mode = request.Header(ResponseModeHeader);
        if (mode is not null && !string.Equals(mode, "streaming", StringComparison.Ordinal))
        {
            var body = ErrorPayload.Create("Invalid Lambda-Runtime-Function-Response-Mode header", "Runtime.InvalidResponseModeHeader");
            return await ForwardAsync(ErrorFrame(requestId, "Runtime.InvalidResponseModeHeader", body), Error(ApiError.InvalidResponseMode), cancellationToken);
        }

        if (request.Body is null)
        {
            return await TooLargeAsync(requestId, request.BodyLength, cancellationToken);
        }

        var settled = _extensions?.SettlesWithAnswer(requestId) ?? false;
        var frame = new Frame(
            FrameType.Response,
            settled
                ? [new(FrameHeaders.RequestId, requestId), new(FrameHeaders.ContentType, NonEmpty(request.Header("Content-Type")) ?? JsonContentType), new(FrameHeaders.PostInvokeDone, "1")]
                : [new(FrameHeaders.RequestId, requestId), new(FrameHeaders.ContentType, NonEmpty(request.Header("Content-Type")) ?? JsonContentType)],
            request.Body);
        var answer = await ForwardAsync(frame, Accepted(), cancellationToken);
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

        var (errorType, body) = ErrorPayload.Read(request.Header("Lambda-Runtime-Function-Error-Type"), request.Header("Content-Type"), request.Body);
        var settled = _extensions?.SettlesWithAnswer(requestId) ?? false;
        var answer = await ForwardAsync(ErrorFrame(requestId, errorType, body, settled), Accepted(), cancellationToken);
        _extensions?.RuntimeAnswered(requestId, "error", body.Length, settled);
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
        var body = ErrorPayload.Create(
            $"Response payload size ({length} bytes) exceeded maximum allowed payload size ({HttpConnection.MaxBodyLength} bytes).",
            "Function.ResponseSizeTooLarge");
        var answer = await ForwardAsync(ErrorFrame(requestId, "Function.ResponseSizeTooLarge", body), Error(ApiError.TooLarge), cancellationToken);
        _extensions?.RuntimeAnswered(requestId, "error", 0);
        return answer;
    }

    private async Task<HttpResponse> ForwardAsync(Frame frame, HttpResponse answer, CancellationToken cancellationToken)
    {
        try
        {
            await _host.SendAsync(frame, cancellationToken);
            return answer;
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException or System.Net.Sockets.SocketException)
        {
            // The host is gone; nimbus-init is about to kill the runtime and exit.
            return Error(ApiError.Internal);
        }
    }

    private static Frame ErrorFrame(string requestId, string errorType, byte[] body, bool settled = false) =>
        new(
            FrameType.Error,
            settled
                ? [new(FrameHeaders.RequestId, requestId), new(FrameHeaders.ErrorType, errorType), new(FrameHeaders.PostInvokeDone, "1")]
                : [new(FrameHeaders.RequestId, requestId), new(FrameHeaders.ErrorType, errorType)],
            body);

    private static HttpResponse Accepted() => new(202, s_accepted, JsonContentType);

    private static HttpResponse Error(ApiError error) =>
        new(error.Status, ErrorPayload.Create(error.ErrorMessage, error.ErrorType), JsonContentType);

    private static void Add(HttpResponse response, string name, string? value)
    {
        // Header values come from the host; a line break would split the response.
        if (NonEmpty(value) is { } text && !text.AsSpan().ContainsAny('\r', '\n'))
        {
            response.Headers.Add(new(name, text));
        }
    }

    private static string? NonEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;
}
