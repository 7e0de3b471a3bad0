// SPDX-License-Identifier: Apache-2.0
using System.Text.Json;

namespace Nimbus.Core.Filtering;

/// <summary><c>{"numeric": [">", 0, "&lt;=", 5]}</c> and <c>{"numeric": ["=", 100]}</c>: JSON numbers only, never strings.</summary>
internal sealed class NumericMatcher(double lower, bool lowerInclusive, double upper, bool upperInclusive) : ValueMatcher
{
    public override bool Matches(in EventScalar value)
    {
        if (value.Kind != JsonValueKind.Number || !value.Element.TryGetDouble(out var n))
        {
            return false;
        }

        var aboveLower = lowerInclusive ? n >= lower : n > lower;
        var belowUpper = upperInclusive ? n <= upper : n < upper;
        return aboveLower && belowUpper;
    }
}
