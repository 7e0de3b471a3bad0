// SPDX-License-Identifier: Apache-2.0
namespace Nimbus.Core.Filtering;

/// <summary>
/// <c>{"wildcard": "Simple*Service"}</c>: strings only; <c>*</c> stands for any run of characters, <c>\*</c> and
/// <c>\\</c> for themselves. Held as the literal parts between the stars: the first must start the text, the last end
/// it, and the others occur in order between (leftmost first, which is enough for a star-only glob).
/// </summary>
internal sealed class WildcardMatcher(string[] parts) : ValueMatcher
{
    public override bool NeedsText => true;

    public override bool Matches(in EventScalar value)
    {
        if (!value.IsString)
        {
            return false;
        }

        var text = value.Text;
        if (parts.Length == 1)
        {
            return text.SequenceEqual(parts[0]);
        }

        var first = parts[0];
        var last = parts[^1];
        if (text.Length < first.Length + last.Length || !text.StartsWith(first, StringComparison.Ordinal) ||
            !text.EndsWith(last, StringComparison.Ordinal))
        {
            return false;
        }

        var middle = text[first.Length..^last.Length];
        for (var i = 1; i < parts.Length - 1; i++)
        {
            var at = middle.IndexOf(parts[i], StringComparison.Ordinal);
            if (at < 0)
            {
                return false;
            }

            middle = middle[(at + parts[i].Length)..];
        }

        return true;
    }
}
