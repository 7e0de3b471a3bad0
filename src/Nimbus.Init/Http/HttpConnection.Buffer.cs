// SPDX-License-Identifier: Apache-2.0
using System.Buffers;
using System.Diagnostics;
using System.Net.Sockets;
using System.Runtime.CompilerServices;

namespace Nimbus.Init.Http;

/// <summary>
/// The read buffer: a small one of the connection's own; a larger one rented from the pool while a long head or a
/// streamed body needs it and given back once everything read was taken (an idle connection waits on the small one).
/// </summary>
internal sealed partial class HttpConnection
{
    /// <summary>
    /// Reads more bytes after the buffered ones, growing a full buffer up to <see cref="MaxHeadLength"/> (a full buffer
    /// of that length reads nothing); false at end of stream. Pooled: it waits once per request; awaited once.
    /// </summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<bool> FillAsync(CancellationToken cancellationToken)
    {
        if (_readAhead is { } readAhead)
        {
            _readAhead = null;
            var read = await readAhead;
            _end += read;
            return read > 0;
        }

        Compact();
        if (_end == _buffer.Length)
        {
            if (_buffer.Length >= MaxHeadLength)
            {
                return true;
            }

            Grow(Math.Min(MaxHeadLength, _buffer.Length * 2));
        }

        var count = await _socket.ReceiveAsync(_buffer.AsMemory(_end), SocketFlags.None, cancellationToken);
        _end += count;
        return count > 0;
    }

    /// <summary>A rented buffer of at least <paramref name="length"/> bytes with what the present one holds, compacted.</summary>
    private void Grow(int length)
    {
        Debug.Assert(_readAhead is null, "a receive into the buffer is pending");
        if (_buffer.Length >= length)
        {
            return;
        }

        var larger = ArrayPool<byte>.Shared.Rent(length);
        _buffer.AsSpan(_start, _end - _start).CopyTo(larger);
        _end -= _start;
        _start = 0;
        ReturnRented();
        _buffer = larger;
        _rented = true;
    }

    /// <summary>Back to the small buffer when nothing read is left to parse.</summary>
    private void Shrink()
    {
        Debug.Assert(_readAhead is null, "a receive into the buffer is pending");
        if (_start != _end || _buffer.Length <= InitialBufferSize)
        {
            return;
        }

        ReturnRented();
        _buffer = _small ??= new byte[InitialBufferSize];
        _start = _end = 0;
    }

    private void ReturnRented()
    {
        if (_rented)
        {
            _rented = false;
            ArrayPool<byte>.Shared.Return(_buffer);
        }
    }

    private void Compact()
    {
        if (_start == 0)
        {
            return;
        }

        _buffer.AsSpan(_start, _end - _start).CopyTo(_buffer);
        _end -= _start;
        _start = 0;
    }
}
