// SPDX-License-Identifier: Apache-2.0
using System.Buffers;

namespace Nimbus.Core.Access.Signing;

/// <summary>An ASCII writer over a pooled buffer that grows; disposed, it returns the buffer to the pool.</summary>
internal ref struct ByteWriter
{
    private byte[] _buffer;
    private int _length;

    public ByteWriter(int capacity)
    {
        _buffer = ArrayPool<byte>.Shared.Rent(capacity);
        _length = 0;
    }

    public readonly ReadOnlySpan<byte> Written => _buffer.AsSpan(0, _length);

    public readonly int Length => _length;

    public void Write(byte value)
    {
        if (_length == _buffer.Length)
        {
            Grow(1);
        }

        _buffer[_length++] = value;
    }

    public void Write(scoped ReadOnlySpan<byte> bytes)
    {
        if (_length + bytes.Length > _buffer.Length)
        {
            Grow(bytes.Length);
        }

        bytes.CopyTo(_buffer.AsSpan(_length));
        _length += bytes.Length;
    }

    /// <summary>Writes characters known to be ASCII (names, literals, already-encoded text) one byte each.</summary>
    public void WriteAscii(scoped ReadOnlySpan<char> text)
    {
        if (_length + text.Length > _buffer.Length)
        {
            Grow(text.Length);
        }

        var destination = _buffer.AsSpan(_length, text.Length);
        for (var i = 0; i < text.Length; i++)
        {
            destination[i] = (byte)text[i];
        }

        _length += text.Length;
    }

    /// <summary>Writes the lower-case hex of <paramref name="bytes"/>.</summary>
    public void WriteHex(scoped ReadOnlySpan<byte> bytes)
    {
        if (_length + (bytes.Length * 2) > _buffer.Length)
        {
            Grow(bytes.Length * 2);
        }

        for (var i = 0; i < bytes.Length; i++)
        {
            _buffer[_length++] = (byte)"0123456789abcdef"[bytes[i] >> 4];
            _buffer[_length++] = (byte)"0123456789abcdef"[bytes[i] & 0xF];
        }
    }

    public void Dispose()
    {
        ArrayPool<byte>.Shared.Return(_buffer);
        _buffer = [];
        _length = 0;
    }

    private void Grow(int needed)
    {
        var bigger = ArrayPool<byte>.Shared.Rent(Math.Max(_buffer.Length * 2, _length + needed));
        _buffer.AsSpan(0, _length).CopyTo(bigger);
        ArrayPool<byte>.Shared.Return(_buffer);
        _buffer = bigger;
    }
}
