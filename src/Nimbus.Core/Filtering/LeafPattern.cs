// SPDX-License-Identifier: Apache-2.0
using System.Buffers;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;

namespace Nimbus.Core.Filtering;

/// <summary>
/// A leaf of the pattern: an array of alternatives, any of which may match any scalar of the event's value (an array
/// in the event matches when any element does). Objects inside the event's value are not leaves, so they neither match
/// nor count as present, as with EventBridge, where <c>exists</c> works on leaves only.
/// </summary>
internal sealed class LeafPattern
{
    private const int StackChars = 256;

    private readonly ValueMatcher[] _matchers;
    private readonly bool _existsTrue;
    private readonly bool _existsFalse;
    private readonly bool _needsText;

    public LeafPattern(ValueMatcher[] matchers, bool existsTrue, bool existsFalse)
    {
        _matchers = matchers;
        _existsTrue = existsTrue;
        _existsFalse = existsFalse;
        _needsText = matchers.Any(m => m.NeedsText);
    }

    public bool Matches(JsonElement value, bool present)
    {
        var sawScalar = false;
        if (present && MatchesAny(value, ref sawScalar))
        {
            return true;
        }

        // Absent, or present without a scalar (an empty array, an object): only "exists": false holds.
        return !sawScalar && _existsFalse;
    }

    private bool MatchesAny(JsonElement value, ref bool sawScalar)
    {
        switch (value.ValueKind)
        {
            case JsonValueKind.Array:
                foreach (var element in value.EnumerateArray())
                {
                    if (MatchesAny(element, ref sawScalar))
                    {
                        return true;
                    }
                }

                return false;
            case JsonValueKind.Object:
                return false;
            default:
                sawScalar = true;
                return _existsTrue || MatchesScalar(value);
        }
    }

    private bool MatchesScalar(JsonElement value)
    {
        if (value.ValueKind != JsonValueKind.String || !_needsText)
        {
            return MatchesScalar(new EventScalar(value, default));
        }

        // The raw UTF-8 (quotes included) decodes straight into a buffer unless it holds escapes; then GetString unescapes.
        var raw = JsonMarshal.GetRawUtf8Value(value);
        if (raw.Length < 2 || raw.Contains((byte)'\\'))
        {
            return MatchesScalar(new EventScalar(value, value.GetString()));
        }

        raw = raw[1..^1];
        char[]? rented = null;
        var buffer = raw.Length <= StackChars ? stackalloc char[StackChars] : (rented = ArrayPool<char>.Shared.Rent(raw.Length));
        try
        {
            var count = Encoding.UTF8.GetChars(raw, buffer);
            return MatchesScalar(new EventScalar(value, buffer[..count]));
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<char>.Shared.Return(rented);
            }
        }
    }

    private bool MatchesScalar(in EventScalar scalar)
    {
        foreach (var matcher in _matchers)
        {
            if (matcher.Matches(scalar))
            {
                return true;
            }
        }

        return false;
    }
}
