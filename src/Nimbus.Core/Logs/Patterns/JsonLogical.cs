// SPDX-License-Identifier: Apache-2.0
using System.Text.Json;

namespace Nimbus.Core.Logs.Patterns;

/// <summary><c>a &amp;&amp; b</c> or <c>a || b</c> in a JSON pattern.</summary>
internal sealed class JsonLogical(JsonCondition left, JsonCondition right, bool and) : JsonCondition
{
    public override bool Evaluate(JsonElement root) =>
        and ? left.Evaluate(root) && right.Evaluate(root) : left.Evaluate(root) || right.Evaluate(root);

    /// <summary>Both sides' for <c>&amp;&amp;</c>; none for <c>||</c> (either side may be the one that holds).</summary>
    public override void CollectRequired(List<string> into)
    {
        if (and)
        {
            left.CollectRequired(into);
            right.CollectRequired(into);
        }
    }
}
