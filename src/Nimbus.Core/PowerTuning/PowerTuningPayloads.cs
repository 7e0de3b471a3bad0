// SPDX-License-Identifier: Apache-2.0
using System.Text.Json;

namespace Nimbus.Core.PowerTuning;

/// <summary>
/// The events of a size's invocations, from the payload given as AWS Lambda Power Tuning takes it: one event for every
/// invocation, or a weighted list (<c>[{"payload": ..., "weight": 3}, ...]</c>: a non-empty array whose every element
/// has a weight and a payload that JavaScript would call true) spread over the invocations in proportion to the weights
/// (each at least once, the last filling what rounding down left). A payload that is a string holding JSON is sent as
/// that JSON, as the tool sends it.
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
            Array.Fill(events, Text(root));
            return events;
        }

        var count = root.GetArrayLength();
        if (invocations < count)
        {
            error = $"the payload lists {count} weighted events and --num is {invocations}: raise --num to at least {count}";
            return [];
        }

        var weights = new double[count];
        var total = 0.0;
        var index = 0;
        foreach (var item in root.EnumerateArray())
        {
            var weight = item.GetProperty("weight");
            if (weight.ValueKind != JsonValueKind.Number || !weight.TryGetDouble(out weights[index]) || !double.IsFinite(weights[index]))
            {
                error = $"the weight of weighted event {index + 1} is not a number";
                return [];
            }

            total += weights[index++];
        }

        if (!double.IsFinite(total))
        {
            // Weights near double's limit: the same proportions, relative to the largest.
            var largest = weights.Max();
            total = 0;
            for (var i = 0; i < count; i++)
            {
                weights[i] /= largest;
                total += weights[i];
            }
        }

        var spread = new List<string>(invocations);
        index = 0;
        foreach (var item in root.EnumerateArray())
        {
            // weight × num / total as the tool computes it; in the other order when the product overflows.
            var product = weights[index] * invocations;
            var share = Math.Floor(double.IsFinite(product) ? product / total : weights[index] / total * invocations);
            if (!(share >= 1))
            {
                error = $"the weight of weighted event {index + 1} is too small for --num {invocations} (it would never be sent)";
                return [];
            }

            // Every later event keeps at least one invocation, whatever rounding did.
            var left = invocations - spread.Count - (count - index - 1);
            var times = index == count - 1 ? left : (int)Math.Min(share, left);
            if (times < 1)
            {
                error = $"the weight of weighted event {index + 1} leaves no invocation for the events after it";
                return [];
            }

            var text = Text(item.GetProperty("payload"));
            for (var i = 0; i < times; i++)
            {
                spread.Add(text);
            }

            index++;
        }

        return spread;
    }

    /// <summary>A non-empty array whose every element is an object with a truthy "weight" and a truthy "payload".</summary>
    private static bool IsWeighted(JsonElement root)
    {
        if (root.ValueKind != JsonValueKind.Array || root.GetArrayLength() == 0)
        {
            return false;
        }

        foreach (var item in root.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.Object
                || !item.TryGetProperty("payload", out var payload) || !Truthy(payload)
                || !item.TryGetProperty("weight", out var weight) || !Truthy(weight))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>What JavaScript calls true: not null, false, 0 or "" (objects and arrays always are).</summary>
    private static bool Truthy(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.Null or JsonValueKind.False or JsonValueKind.Undefined => false,
        JsonValueKind.Number => !value.TryGetDouble(out var number) || (number != 0 && !double.IsNaN(number)),
        JsonValueKind.String => value.GetRawText().Length > 2,
        _ => true,
    };

    /// <summary>An event as sent: a string that holds JSON is that JSON, anything else its JSON text.</summary>
    private static string Text(JsonElement payload)
    {
        if (payload.ValueKind != JsonValueKind.String)
        {
            return payload.GetRawText();
        }

        try
        {
            var text = payload.GetString();
            if (text is not null)
            {
                using var _ = JsonDocument.Parse(text);
                return text;
            }
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException)
        {
            // Not JSON inside, or a lone surrogate that has no string form: the string itself is the event.
        }

        return payload.GetRawText();
    }
}
