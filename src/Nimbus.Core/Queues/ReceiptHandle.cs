// SPDX-License-Identifier: Apache-2.0
using System.Buffers.Binary;

namespace Nimbus.Core.Queues;

/// <summary>
/// A receipt handle names one receive of one message: the queue, the message and a random token the store keeps
/// for the latest receive. Opaque to clients (base64, like AWS's).
/// </summary>
public readonly record struct ReceiptHandle(long QueueId, long Sequence, long Token)
{
    private const byte Version = 1;
    private const int Length = 25;

    public string Encode()
    {
        Span<byte> bytes = stackalloc byte[Length];
        bytes[0] = Version;
        BinaryPrimitives.WriteInt64BigEndian(bytes[1..], QueueId);
        BinaryPrimitives.WriteInt64BigEndian(bytes[9..], Sequence);
        BinaryPrimitives.WriteInt64BigEndian(bytes[17..], Token);
        return Convert.ToBase64String(bytes);
    }

    public static bool TryDecode(string? value, out ReceiptHandle handle)
    {
        handle = default;
        if (value is null || value.Length > 64)
        {
            return false;
        }

        Span<byte> bytes = stackalloc byte[48];
        if (!Convert.TryFromBase64String(value, bytes, out var written) || written != Length || bytes[0] != Version)
        {
            return false;
        }

        handle = new ReceiptHandle(
            BinaryPrimitives.ReadInt64BigEndian(bytes[1..]),
            BinaryPrimitives.ReadInt64BigEndian(bytes[9..]),
            BinaryPrimitives.ReadInt64BigEndian(bytes[17..]));
        return true;
    }
}
