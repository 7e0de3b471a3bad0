// SPDX-License-Identifier: Apache-2.0
namespace Nimbus.Core.Logs.Patterns;

/// <summary>
/// A compiled CloudWatch Logs filter pattern (User Guide, "Filter pattern syntax for metric filters, subscription
/// filters, filter log events, and Live Tail"): terms for unstructured events, <c>{ ... }</c> for JSON events and
/// <c>[ ... ]</c> for space-delimited events. Compiled once per request, then matched against every event.
/// </summary>
public abstract class FilterPattern
{
    /// <summary>The pattern that matches every event (an empty or blank filter pattern).</summary>
    public static FilterPattern All { get; } = new MatchAllPattern();

    /// <summary>
    /// Substrings every matching event contains (case-sensitive), so a store can discard events before the pattern
    /// sees them. Empty when the pattern gives none.
    /// </summary>
    public virtual IReadOnlyList<string> RequiredSubstrings => [];

    /// <summary>
    /// True when <see cref="RequiredSubstrings"/> hold only for events without a <c>\u</c> escape (JSON patterns: a
    /// JSON string may spell any character as <c>\uXXXX</c>), so a store keeps every event that has one as well.
    /// </summary>
    public virtual bool RequiredUnlessUnicodeEscaped => false;

    public abstract bool IsMatch(string message);

    /// <summary>Compiles <paramref name="text"/>; throws <see cref="InvalidFilterPatternException"/> when it is malformed.</summary>
    public static FilterPattern Compile(string? text)
    {
        var trimmed = text.AsSpan().Trim();
        if (trimmed.IsEmpty)
        {
            return All;
        }

        return trimmed[0] switch
        {
            '{' => JsonPatternParser.Parse(trimmed.ToString()),
            '[' => DelimitedPatternParser.Parse(trimmed.ToString()),
            _ => TermPattern.Parse(trimmed.ToString()),
        };
    }
}
