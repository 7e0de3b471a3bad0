// SPDX-License-Identifier: Apache-2.0
using System.Text.Json;

namespace Nimbus.Core.Filtering;

/// <summary>
/// One scalar of the event (a string, number, true, false or null) as a matcher sees it: the element, and for a
/// string its decoded text, decoded once per scalar however many matchers look at it.
/// </summary>
internal readonly ref struct EventScalar
{
    public EventScalar(JsonElement element, ReadOnlySpan<char> text)
    {
        Element = element;
        Text = text;
    }

    public JsonElement Element { get; }

    /// <summary>The string's text; empty for other kinds.</summary>
    public ReadOnlySpan<char> Text { get; }

    public JsonValueKind Kind => Element.ValueKind;

    public bool IsString => Element.ValueKind == JsonValueKind.String;
}
