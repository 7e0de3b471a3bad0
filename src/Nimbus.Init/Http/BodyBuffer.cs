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

    /// <summary>The body, or null when it was too long.</summary>
    public byte[]? ToArray() => _data is null ? null : _data.Length == _used ? _data : _data[.._used];
}
