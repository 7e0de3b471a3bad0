// SPDX-License-Identifier: Apache-2.0
namespace Nimbus.Init.Http;

/// <summary>Collects a body up to <see cref="HttpConnection.MaxBodyLength"/>; past it only counts.</summary>
internal sealed class BodyBuffer
{
    private byte[]? _data;
    private int _used;

    public BodyBuffer(long? expectedLength)
    {
        _data = expectedLength switch
        {
            null => new byte[4096],
            <= HttpConnection.MaxBodyLength => new byte[expectedLength.Value],
            _ => null,
        };
    }

    public long Length { get; private set; }

    public void Append(ReadOnlySpan<byte> bytes)
    {
        Length += bytes.Length;
        if (_data is null)
        {
            return;
        }

        if (Length > HttpConnection.MaxBodyLength)
        {
            _data = null;
            return;
        }

        if (_used + bytes.Length > _data.Length)
        {
            Array.Resize(ref _data, (int)Math.Min(Math.Max(_data.Length * 2L, _used + bytes.Length), HttpConnection.MaxBodyLength));
        }

        bytes.CopyTo(_data.AsSpan(_used));
        _used += bytes.Length;
    }

    /// <summary>
    /// The room left in the array for up to <paramref name="count"/> more bytes, to receive into and then
    /// <see cref="Advance"/>; empty when the body is too long to keep (or the array is full: <see cref="Append"/> grows it).
    /// </summary>
    public Memory<byte> Free(long count) =>
        _data is null ? Memory<byte>.Empty : _data.AsMemory(_used, (int)Math.Min(count, _data.Length - _used));

    /// <summary>Takes <paramref name="count"/> bytes received into <see cref="Free"/>.</summary>
    public void Advance(int count)
    {
        Length += count;
        _used += count;
    }

    /// <summary>The body, or null when it was too long.</summary>
    public byte[]? ToArray() => _data is null ? null : _data.Length == _used ? _data : _data[.._used];
}
