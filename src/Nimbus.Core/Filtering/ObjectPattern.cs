// SPDX-License-Identifier: Apache-2.0
using System.Text.Json;

namespace Nimbus.Core.Filtering;

/// <summary>
/// An object of the pattern: every field must match (AND), and each <c>$or</c> group must have one alternative that
/// matches the same object. Against an array in the event, any one element must match the whole object, so fields
/// from different elements never combine (EventBridge's array-consistent matching).
/// </summary>
internal sealed class ObjectPattern(FieldPattern[] fields, ObjectPattern[][] orGroups)
{
    public bool Matches(JsonElement value, bool present)
    {
        if (!present)
        {
            return MatchesAbsent();
        }

        switch (value.ValueKind)
        {
            case JsonValueKind.Object:
                return MatchesObject(value);
            case JsonValueKind.Array:
                foreach (var element in value.EnumerateArray())
                {
                    if (element.ValueKind is JsonValueKind.Object or JsonValueKind.Array && Matches(element, present: true))
                    {
                        return true;
                    }
                }

                return false;
            default:
                // A scalar where the pattern has an object: Lambda drops an SQS message whose body is a plain string
                // when the pattern filters inside body, whatever the operators.
                return false;
        }
    }

    public bool MatchesObject(JsonElement value)
    {
        foreach (var field in fields)
        {
            var present = value.TryGetProperty(field.Name, out var child);
            if (!field.Matches(child, present))
            {
                return false;
            }
        }

        foreach (var group in orGroups)
        {
            var any = false;
            foreach (var alternative in group)
            {
                if (alternative.MatchesObject(value))
                {
                    any = true;
                    break;
                }
            }

            if (!any)
            {
                return false;
            }
        }

        return true;
    }

    private bool MatchesAbsent()
    {
        foreach (var field in fields)
        {
            if (!field.Matches(default, present: false))
            {
                return false;
            }
        }

        foreach (var group in orGroups)
        {
            if (!group.Any(alternative => alternative.MatchesAbsent()))
            {
                return false;
            }
        }

        return true;
    }
}
