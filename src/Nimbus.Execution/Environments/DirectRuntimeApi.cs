// SPDX-License-Identifier: Apache-2.0
using System.Runtime.CompilerServices;
using Nimbus.Init.Http;
using Nimbus.Init.Protocol;
using Nimbus.Init.RuntimeApi;

namespace Nimbus.Execution.Environments;

/// <summary>
/// The Runtime API as the server serves it on a runtime's connections handed over by nimbus-init
/// (docs/internals/invoke-path.md#direct-runtime-api): /next, /response (whole or streamed) and /error, with the
/// answers and state checks nimbus-init gives (the shared <see cref="RuntimeApiAnswers"/>, <see cref="StreamedResponse"/>
/// and <see cref="InvocationCoordinator"/>). The runtime is past its init: init and restore paths are refused as
/// nimbus-init refuses them then. Results become the frames nimbus-init would have sent, handed to the environment.
/// </summary>
internal sealed class DirectRuntimeApi : IRequestHandler
{
    private const string Prefix = "/2018-06-01";

    private readonly Func<Frame, CancellationToken, Task> _deliver;

    /// <summary>Hands a result's frame on once its answer is written: made once (a closure per result otherwise).</summary>
    private readonly Action<object?> _deliverAfterWrite;

    public DirectRuntimeApi(Func<Frame, CancellationToken, Task> deliver)
    {
        _deliver = deliver;
        _deliverAfterWrite = frame => _ = _deliver((Frame)frame!, CancellationToken.None);
    }

    /// <summary>The runtime waits in /next when it comes here (nimbus-init answered its init and first invocation).</summary>
    public InvocationCoordinator Coordinator { get; } = new(RuntimeState.Ready);

    public bool StreamsBody(HttpRequest request) => StreamedResponse.StreamsBody(request);

    // Pooled: twice per invocation (/next, the result), awaited once.
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    public async ValueTask<HttpResponse?> HandleAsync(HttpRequest request, HttpConnection connection, CancellationToken cancellationToken)
    {
        var path = request.Path;
        var get = request.Method == "GET";
        var post = request.Method == "POST";
        if (get && path is "/ping" or Prefix + "/ping")
        {
            return new HttpResponse(200, "pong"u8.ToArray(), "text/plain");
        }

        if (!path.StartsWith(Prefix + "/", StringComparison.Ordinal))
        {
            return RuntimeApiAnswers.NotFound(request);
        }

        var route = path.AsSpan(Prefix.Length);
        if (get && route.SequenceEqual("/runtime/invocation/next"))
        {
            return await NextAsync(connection);
        }

        if (post && RuntimeApiAnswers.ResultRequestId(route, out var response) is { } requestId)
        {
            if (request.BodyPending)
            {
                return await StreamedResponse.ForwardAsync(Coordinator, request, requestId, connection, _deliver, cancellationToken);
            }

            return response ? await ResponseAsync(request, requestId) : await ErrorAsync(request, requestId);
        }

        // Past init: the init and restore transitions are refused with nimbus-init's words.
        var refused = post && route.SequenceEqual("/runtime/init/error") ? Coordinator.BeginInitError()
            : get && route.SequenceEqual("/runtime/restore/next") ? Coordinator.BeginRestoreNext()
            : post && route.SequenceEqual("/runtime/restore/error") ? Coordinator.BeginRestoreError()
            : null;
        return refused is not null ? RuntimeApiAnswers.Error(refused) : RuntimeApiAnswers.NotFound(request);
    }

    // Pooled: a /next per invocation, awaited once.
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<HttpResponse?> NextAsync(HttpConnection connection)
    {
        if (Coordinator.BeginNext(out _) is { } refused)
        {
            return RuntimeApiAnswers.Error(refused);
        }

        var wait = Coordinator.TakeOrWaitAsync(connection, out var waiter);
        if (waiter is not null && !wait.IsCompleted)
        {
            // A /next whose client goes away is withdrawn, so the next invocation goes to a live one.
            connection.WatchForClose(static state => ((InvocationCoordinator.NextWaiter)state!).Withdraw(), waiter);
        }

        return await wait is { } invoke ? RuntimeApiAnswers.Event(invoke) : null;
    }

    private ValueTask<HttpResponse> ResponseAsync(HttpRequest request, string requestId)
    {
        if (Coordinator.BeginResult(requestId, InvocationCoordinator.InvocationResponseName) is { } refused)
        {
            return ValueTask.FromResult(RuntimeApiAnswers.Error(refused));
        }

        if (RuntimeApiAnswers.InvalidResponseMode(request))
        {
            return DeliverAsync(RuntimeApiAnswers.InvalidResponseModeFrame(requestId), RuntimeApiAnswers.Error(ApiError.InvalidResponseMode));
        }

        return request.Body is null
            ? DeliverAsync(RuntimeApiAnswers.TooLargeFrame(requestId, request.BodyLength), RuntimeApiAnswers.Error(ApiError.TooLarge))
            : DeliverAsync(RuntimeApiAnswers.ResponseFrame(request, requestId, settled: false), RuntimeApiAnswers.Accepted());
    }

    private ValueTask<HttpResponse> ErrorAsync(HttpRequest request, string requestId)
    {
        if (Coordinator.BeginResult(requestId, InvocationCoordinator.InvocationErrorResponseName) is { } refused)
        {
            return ValueTask.FromResult(RuntimeApiAnswers.Error(refused));
        }

        return request.Body is null
            ? DeliverAsync(RuntimeApiAnswers.TooLargeFrame(requestId, request.BodyLength), RuntimeApiAnswers.Error(ApiError.TooLarge))
            : DeliverAsync(RuntimeApiAnswers.ErrorFrame(request, requestId, settled: false), RuntimeApiAnswers.Accepted());
    }

    /// <summary>
    /// The runtime's answer first, then the outcome: the invocation's tail (log, REPORT, the caller's answer) runs
    /// inline when the outcome completes, and the runtime can meanwhile ask for its next event. The hand-on is not
    /// the request's to cancel: once the answer is out, the outcome goes on.
    /// </summary>
    private ValueTask<HttpResponse> DeliverAsync(Frame frame, HttpResponse answer)
    {
        answer.AfterWrite(_deliverAfterWrite, frame);
        return ValueTask.FromResult(answer);
    }
}
