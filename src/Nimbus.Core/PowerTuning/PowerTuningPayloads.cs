// SPDX-License-Identifier: Apache-2.0
using System.Text.Json;

namespace Nimbus.Core.PowerTuning;

/// <summary>
/// The events of a size's invocations, from the payload given as AWS Lambda Power Tuning takes it: one event for every
/// invocation, or a weighted list (<c>[{"payload": ..., "weight": 3}, ...]</c>) spread over the invocations in
/// proportion to the weights (each at least once, the last filling what rounding down left).
/// </summary>
public static class PowerTuningPayloads
{
    /// <summary>The <paramref name="invocations"/> events (JSON texts) of <paramref name="payload"/>; an error says what is wrong.</summary>
    public static IReadOnlyList<string> Spread(string payload, int invocations, out string? error)
    {
        error = null;
        using var document = JsonDocument.Parse(payload);
        var root = document.RootElement;
        if (!IsWeighted(root))
        {
            var events = new string[invocations];
            Array.Fill(events, payload);
            return events;
        }

        var count = root.GetArrayLength();
        if (invocations < count)
        {
            error = $"the payload lists {count} weighted events and --num is {invocations}: raise --num to at least {count}";
            return [];
        }

        var total = 0.0;
        foreach (var item in root.EnumerateArray())
        {
            total += item.GetProperty("weight").GetDouble();
        }

        if (!double.IsFinite(total))
        {
            error = "the weights of the weighted events are too large to add up";
            return [];
        }

        var spread = new List<string>(invocations);
        var index = 0;
        foreach (var item in root.EnumerateArray())
        {
            var share = (int)Math.Floor(item.GetProperty("weight").GetDouble() * invocations / total);
            if (share < 1)
            {
                error = $"the weight of weighted event {index + 1} is too small for --num {invocations} (it would never be sent)";
                return [];
            }

            var text = Text(item.GetProperty("payload"));
            var times = index == count - 1 ? invocations - spread.Count : share;
            for (var i = 0; i < times; i++)
            {
                spread.Add(text);
            }

            index++;
        }

        return spread;
    }

    /// <summary>A non-empty array whose every element has a positive number "weight" and a "payload".</summary>
    private static bool IsWeighted(JsonElement root)
    {
        if (root.ValueKind != JsonValueKind.Array || root.GetArrayLength() == 0)
        {
            return false;
        }

        foreach (var item in root.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.Object
                || !item.TryGetProperty("payload", out _)
                || !item.TryGetProperty("weight", out var weight)
                || weight.ValueKind != JsonValueKind.Number
                || !weight.TryGetDouble(out var value)
                || !double.IsFinite(value)
                || value <= 0)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>An event as sent: a string that holds JSON is that JSON (as the tool reads it), anything else its JSON text.</summary>
    private static string Text(JsonElement payload)
    {
        if (payload.ValueKind == JsonValueKind.String && payload.GetString() is { } text)
        {
            try
            {
                using var _ = JsonDocument.Parse(text);
                return text;
            }
            catch (JsonException)
            {
            }
        }

        return payload.GetRawText();
    }
}
