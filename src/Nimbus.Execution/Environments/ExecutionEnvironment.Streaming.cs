// SPDX-License-Identifier: Apache-2.0
using System.Buffers;
using Nimbus.Execution.Invocation;
using Nimbus.Init.Protocol;

namespace Nimbus.Execution.Environments;

/// <summary>
/// Streamed responses (ResponseStart, ResponseChunk..., ResponseEnd): the chunks go to the invocation's sink as they
/// arrive, or are collected up to the buffered limit when the caller has no sink (Invoke of a streaming function).
/// Nothing here is touched by buffered invocations.
/// </summary>
internal sealed partial class ExecutionEnvironment
{
    /// <summary>What a caller without a sink gets of a streamed response at most: the buffered limit, 6 MB + 100 bytes.</summary>
    private const int MaxCollectedLength = (6 * 1024 * 1024) + 100;

    private IResponseStreamSink? _currentSink;
    private StreamedResponse? _streamed;

    /// <summary>True when the current invocation's sink has received the start of a stream.</summary>
    private bool StreamDelivered()
    {
        lock (_lock)
        {
            return _streamed is { Delivered: true };
        }
    }

    private async ValueTask OnResponseStartAsync(Frame frame)
    {
        StreamedResponse streamed;
        lock (_lock)
        {
            if (_currentRequestId is null || _currentRequestId != frame.Header(FrameHeaders.RequestId))
            {
                return;
            }

            streamed = _streamed = new StreamedResponse(_currentSink, frame.Header(FrameHeaders.ContentType));
        }

        if (streamed.Sink is not { } sink)
        {
            streamed.Collected = new ArrayBufferWriter<byte>(16 * 1024);
            return;
        }

        streamed.Delivered = true;
        try
        {
            await sink.StartAsync(streamed.ContentType ?? "application/octet-stream");
        }
        catch (Exception e) when (e is IOException or OperationCanceledException or ObjectDisposedException or InvalidOperationException)
        {
            streamed.Sink = null;
        }
    }

    private async ValueTask OnResponseChunkAsync(Frame frame)
    {
        if (Streamed(frame) is not { } streamed)
        {
            return;
        }

        if (streamed.Sink is { } sink)
        {
            try
            {
                await sink.WriteAsync(frame.Body);
            }
            catch (Exception e) when (e is IOException or OperationCanceledException or ObjectDisposedException or InvalidOperationException)
            {
                // The client went away: the function runs on, its output has nowhere to go.
                streamed.Sink = null;
            }
        }
        else if (streamed.Collected is { } collected && !streamed.TooLarge)
        {
            if (collected.WrittenCount + frame.Body.Length > MaxCollectedLength)
            {
                streamed.TooLarge = true;
                return;
            }

            collected.Write(frame.Body.Span);
        }
    }

    private void OnResponseEnd(Frame frame)
    {
        if (Streamed(frame) is not { } streamed)
        {
            return;
        }

        RuntimeOutcome outcome;
        if (frame.Header(FrameHeaders.ErrorType) is { } errorType)
        {
            outcome = new RuntimeOutcome(OutcomeKind.FunctionError, frame.Body, errorType, Streamed: streamed.Delivered);
        }
        else if (streamed.TooLarge)
        {
            var message = $"Response payload size exceeded maximum allowed payload size ({MaxCollectedLength} bytes).";
            var body = System.Text.Encoding.UTF8.GetBytes($"{{\"errorMessage\":\"{message}\",\"errorType\":\"Function.ResponseSizeTooLarge\"}}");
            outcome = new RuntimeOutcome(OutcomeKind.FunctionError, body, "Function.ResponseSizeTooLarge");
        }
        else
        {
            var body = streamed.Collected is { } collected ? collected.WrittenMemory : ReadOnlyMemory<byte>.Empty;
            outcome = new RuntimeOutcome(OutcomeKind.Success, body, ContentType: streamed.ContentType, Streamed: streamed.Delivered);
        }

        Complete(frame, outcome);
    }

    private StreamedResponse? Streamed(Frame frame)
    {
        lock (_lock)
        {
            return _currentRequestId is not null && _currentRequestId == frame.Header(FrameHeaders.RequestId) ? _streamed : null;
        }
    }

    /// <summary>One invocation's streamed response, touched only by the reader (and read under the lock by the invoker).</summary>
    private sealed class StreamedResponse(IResponseStreamSink? sink, string? contentType)
    {
        public IResponseStreamSink? Sink { get; set; } = sink;

        public string? ContentType { get; } = contentType;

        /// <summary>The sink got the start of the stream (the caller's response has begun).</summary>
        public bool Delivered { get; set; }

        public ArrayBufferWriter<byte>? Collected { get; set; }

        public bool TooLarge { get; set; }
    }
}
