// SPDX-License-Identifier: Apache-2.0
using System.Buffers;
using Microsoft.AspNetCore.Http;
using Nimbus.Execution.Invocation;

namespace Nimbus.Api.Lambda;

/// <summary>
/// InvokeWithResponseStream's answer: a 200 whose body is event stream messages, a PayloadChunk per piece the
/// function writes (flushed at once), then InvokeComplete. Writes are serialized, and nothing is written once the
/// stream is completed, so a function still writing after its deadline cannot interleave with the end.
/// </summary>
internal sealed class EventStreamSink(HttpResponse response, string executedVersion, CancellationToken cancellationToken) : IResponseStreamSink, IDisposable
{
    private readonly SemaphoreSlim _lock = new(1, 1);
    private bool _started;
    private bool _completed;

    public ValueTask StartAsync(string contentType) => new(BeginAsync());

    public async ValueTask WriteAsync(ReadOnlyMemory<byte> chunk)
    {
        await _lock.WaitAsync(cancellationToken);
        try
        {
            if (_completed)
            {
                return;
            }

            await BeginLockedAsync();
            await WriteEventLockedAsync("PayloadChunk", "application/octet-stream", chunk);
        }
        finally
        {
            _lock.Release();
        }
    }

    /// <summary>Ends the stream with InvokeComplete (JSON: ErrorCode, ErrorDetails, LogResult when set).</summary>
    public async Task CompleteAsync(ReadOnlyMemory<byte> completion)
    {
        await _lock.WaitAsync(cancellationToken);
        try
        {
            if (_completed)
            {
                return;
            }

            _completed = true;
            await BeginLockedAsync();
            await WriteEventLockedAsync("InvokeComplete", "application/json", completion);
        }
        finally
        {
            _lock.Release();
        }
    }

    public void Dispose() => _lock.Dispose();

    private async Task BeginAsync()
    {
        await _lock.WaitAsync(cancellationToken);
        try
        {
            await BeginLockedAsync();
        }
        finally
        {
            _lock.Release();
        }
    }

    private async Task BeginLockedAsync()
    {
        if (_started)
        {
            return;
        }

        _started = true;
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = EventStreamMessage.ContentType;
        response.Headers["X-Amz-Executed-Version"] = executedVersion;
        await response.StartAsync(cancellationToken);
    }

    private async Task WriteEventLockedAsync(string eventType, string contentType, ReadOnlyMemory<byte> payload)
    {
        var (buffer, length) = EventStreamMessage.Event(eventType, contentType, payload.Span);
        try
        {
            await response.Body.WriteAsync(buffer.AsMemory(0, length), cancellationToken);
            await response.Body.FlushAsync(cancellationToken);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
