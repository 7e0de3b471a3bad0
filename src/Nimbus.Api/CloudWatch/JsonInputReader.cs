// SPDX-License-Identifier: Apache-2.0
using System.Text.Json;

namespace Nimbus.Api.CloudWatch;

/// <summary>
/// Reads an awsJson1_0 request body (what boto3 sends CloudWatch: <c>X-Amz-Target: GraniteServiceVersion20100801.Op</c>)
/// into the request's structure. Timestamps arrive as epoch seconds (numbers).
/// </summary>
internal static class JsonInputReader
{
    private const int MaxDepth = 16;

    public static CloudWatchInput Read(ReadOnlyMemory<byte> body)
    {
        if (body.IsEmpty)
        {
            return CloudWatchInput.Empty;
        }

        try
        {
            using var document = JsonDocument.Parse(body, new JsonDocumentOptions { MaxDepth = MaxDepth });
            return Convert(document.RootElement) is IReadOnlyDictionary<string, object?> structure
                ? new CloudWatchInput(structure, "")
                : throw Serialization("The request body is not a JSON object.");
        }
        catch (JsonException ex)
        {
            throw Serialization($"The request body is not valid JSON: {ex.Message}");
        }
    }

    private static object? Convert(JsonElement element)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                var map = new Dictionary<string, object?>(StringComparer.Ordinal);
                foreach (var property in element.EnumerateObject())
                {
                    map[property.Name] = Convert(property.Value);
                }

                return map;
            case JsonValueKind.Array:
                var list = new List<object?>(element.GetArrayLength());
                foreach (var item in element.EnumerateArray())
                {
                    list.Add(Convert(item));
                }

                return list;
            case JsonValueKind.String:
                return element.GetString();
            case JsonValueKind.Number:
                return element.TryGetInt64(out var whole) ? whole : (object)element.GetDouble();
            case JsonValueKind.True:
                return true;
            case JsonValueKind.False:
                return false;
            default:
                return null;
        }
    }

    // AWS's JSON services answer SerializationException for a body they cannot read; the text is ours.
    private static CloudWatchException Serialization(string message) => new("SerializationException", "SerializationException", message);
}
