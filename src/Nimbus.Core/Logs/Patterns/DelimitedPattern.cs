// SPDX-License-Identifier: Apache-2.0
using System.Buffers;

namespace Nimbus.Core.Logs.Patterns;

/// <summary>
/// A <c>[ ... ]</c> pattern for space-delimited events. The event splits at spaces; text in double quotes or square
/// brackets is one field (without them). Each pattern field matches one event field, <c>...</c> any number of them;
/// without <c>...</c> the counts must be equal.
/// </summary>
internal sealed class DelimitedPattern(FieldCondition?[] fields, bool[] ellipsis) : FilterPattern
{
    private const int StackFields = 256;

    private readonly string[] _required = Required(fields);

    /// <summary>What the equalities of the fields ask for: each pattern field matches one field of the event, a slice of it.</summary>
    public override IReadOnlyList<string> RequiredSubstrings => _required;

    public override bool IsMatch(string message)
    {
        var count = CountFields(message);
        var rented = count > StackFields ? ArrayPool<Range>.Shared.Rent(count) : null;
        Span<Range> ranges = rented ?? stackalloc Range[StackFields];
        ranges = ranges[..count];
        Split(message, ranges);
        try
        {
            return Match(message, ranges);
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<Range>.Shared.Return(rented);
            }
        }
    }

    /// <summary>Dynamic programming over (pattern field, event field): linear in their product, whatever the ellipses.</summary>
    private bool Match(string message, ReadOnlySpan<Range> values)
    {
        var width = values.Length + 1;
        var rented = width > StackFields ? ArrayPool<bool>.Shared.Rent(width * 2) : null;
        Span<bool> buffer = rented ?? stackalloc bool[StackFields * 2];
        var next = buffer[..width];
        var current = buffer.Slice(width, width);
        try
        {
            // next[e]: pattern fields from i+1 on match event fields from e on.
            next.Clear();
            next[values.Length] = true;
            for (var i = fields.Length - 1; i >= 0; i--)
            {
                current.Clear();
                for (var e = values.Length; e >= 0; e--)
                {
                    current[e] = ellipsis[i]
                        ? next[e] || (e < values.Length && current[e + 1])
                        : e < values.Length && next[e + 1] && (fields[i] is not { } test || test.Evaluate(message.AsSpan()[values[e]]));
                }

                var swap = next;
                next = current;
                current = swap;
            }

            return next[0];
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<bool>.Shared.Return(rented);
            }
        }
    }

    private static string[] Required(FieldCondition?[] fields)
    {
        var into = new List<string>();
        foreach (var field in fields)
        {
            field?.CollectRequired(into);
        }

        return [.. into.Distinct(StringComparer.Ordinal)];
    }

    private static int CountFields(string message)
    {
        var count = 0;
        var i = 0;
        while (NextField(message, ref i, out _))
        {
            count++;
        }

        return count;
    }

    private static void Split(string message, Span<Range> ranges)
    {
        var i = 0;
        var n = 0;
        while (NextField(message, ref i, out var range))
        {
            ranges[n++] = range;
        }
    }

    private static bool NextField(string message, ref int i, out Range range)
    {
        while (i < message.Length && message[i] == ' ')
        {
            i++;
        }

        if (i >= message.Length)
        {
            range = default;
            return false;
        }

        var close = message[i] switch { '"' => '"', '[' => ']', _ => '\0' };
        if (close != '\0')
        {
            var end = message.IndexOf(close, i + 1);
            if (end >= 0)
            {
                range = (i + 1)..end;
                i = end + 1;
                return true;
            }
        }

        var start = i;
        while (i < message.Length && message[i] != ' ')
        {
            i++;
        }

        range = start..i;
        return true;
    }
}
