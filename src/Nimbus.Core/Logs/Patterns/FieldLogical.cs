// SPDX-License-Identifier: Apache-2.0
namespace Nimbus.Core.Logs.Patterns;

/// <summary>Two tests of one field joined by <c>&amp;&amp;</c> or <c>||</c>.</summary>
internal sealed class FieldLogical(FieldCondition left, FieldCondition right, bool and) : FieldCondition
{
    public override bool Evaluate(ReadOnlySpan<char> value) =>
        and ? left.Evaluate(value) && right.Evaluate(value) : left.Evaluate(value) || right.Evaluate(value);

    /// <summary>Both sides' for <c>&amp;&amp;</c>; none for <c>||</c>.</summary>
    public override void CollectRequired(List<string> into)
    {
        if (and)
        {
            left.CollectRequired(into);
            right.CollectRequired(into);
        }
    }
}
