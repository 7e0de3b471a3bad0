// SPDX-License-Identifier: Apache-2.0
using System.Formats.Cbor;

namespace Nimbus.Api.CloudWatch;

/// <summary>
/// Reads a Smithy RPC v2 CBOR request body into the request's structure: maps, arrays, text, numbers, booleans,
/// and timestamps (tag 1: seconds since the epoch, integer or floating). Definite and indefinite lengths alike.
/// </summary>
internal static class CborInputReader
{
    /// <summary>Nesting deeper than any CloudWatch input has is refused rather than followed.</summary>
    private const int MaxDepth = 16;

    public static CloudWatchInput Read(ReadOnlyMemory<byte> body)
    {
        if (body.IsEmpty)
        {
            return CloudWatchInput.Empty;
        }

        try
        {
            var reader = new CborReader(body, CborConformanceMode.Lax);
            var value = ReadValue(reader, 0);
            return value is IReadOnlyDictionary<string, object?> structure
                ? new CloudWatchInput(structure, "")
                : throw Serialization("The request body is not a CBOR map.");
        }
        catch (Exception ex) when (ex is CborContentException or InvalidOperationException or FormatException)
        {
            throw Serialization($"The request body is not valid CBOR: {ex.Message}");
        }
    }

    private static object? ReadValue(CborReader reader, int depth)
    {
        if (depth > MaxDepth)
        {
            throw Serialization("The request body nests too deeply.");
        }

        switch (reader.PeekState())
        {
            case CborReaderState.StartMap:
                var count = reader.ReadStartMap();
                var map = new Dictionary<string, object?>(count ?? 4, StringComparer.Ordinal);
                while (reader.PeekState() != CborReaderState.EndMap)
                {
                    var key = reader.ReadTextString();
                    map[key] = ReadValue(reader, depth + 1);
                }

                reader.ReadEndMap();
                return map;
            case CborReaderState.StartArray:
                var length = reader.ReadStartArray();
                var list = new List<object?>(length ?? 4);
                while (reader.PeekState() != CborReaderState.EndArray)
                {
                    list.Add(ReadValue(reader, depth + 1));
                }

                reader.ReadEndArray();
                return list;
            case CborReaderState.Tag:
                var tag = reader.ReadTag();
                var tagged = ReadValue(reader, depth + 1);
                return tag == CborTag.UnixTimeSeconds
                    ? tagged switch
                    {
                        long seconds => DateTimeOffset.FromUnixTimeSeconds(seconds),
                        ulong seconds => DateTimeOffset.FromUnixTimeSeconds((long)seconds),
                        double seconds => DateTimeOffset.FromUnixTimeMilliseconds((long)Math.Round(seconds * 1000)),
                        _ => throw Serialization("A timestamp (tag 1) must be a number."),
                    }
                    : tagged;
            case CborReaderState.UnsignedInteger:
                return reader.ReadUInt64() is var unsigned && unsigned <= long.MaxValue ? (long)unsigned : (object)unsigned;
            case CborReaderState.NegativeInteger:
                return reader.ReadInt64();
            case CborReaderState.HalfPrecisionFloat:
            case CborReaderState.SinglePrecisionFloat:
            case CborReaderState.DoublePrecisionFloat:
                return reader.ReadDouble();
            case CborReaderState.TextString:
            case CborReaderState.StartIndefiniteLengthTextString:
                return reader.ReadTextString();
            case CborReaderState.ByteString:
            case CborReaderState.StartIndefiniteLengthByteString:
                return reader.ReadByteString();
            case CborReaderState.Boolean:
                return reader.ReadBoolean();
            case CborReaderState.Null:
                reader.ReadNull();
                return null;
            case CborReaderState.SimpleValue:
                reader.ReadSimpleValue();
                return null;
            default:
                throw Serialization($"Unexpected CBOR item: {reader.PeekState()}.");
        }
    }

    // AWS's RPC v2 services answer SerializationException for a body they cannot read; the text is ours.
    private static CloudWatchException Serialization(string message) => new("SerializationException", "SerializationException", message);
}
