// SPDX-License-Identifier: Apache-2.0
using System.Text.Json;

namespace Nimbus.Core.Filtering;

/// <summary>A named field of a pattern object: a nested object or a leaf.</summary>
internal sealed class FieldPattern
{
    private readonly ObjectPattern? _nested;
    private readonly LeafPattern? _leaf;

    public FieldPattern(string name, ObjectPattern nested)
    {
        Name = name;
        _nested = nested;
    }

    public FieldPattern(string name, LeafPattern leaf)
    {
        Name = name;
        _leaf = leaf;
    }

    public string Name { get; }

    public bool Matches(JsonElement value, bool present) =>
        _leaf?.Matches(value, present) ?? _nested!.Matches(value, present); // one of the two is always set by the constructors
}
