// SPDX-License-Identifier: Apache-2.0
using System.Text.Json;

namespace Nimbus.Core.Logs.Patterns;

/// <summary><c>a &amp;&amp; b</c> or <c>a || b</c> in a JSON pattern.</summary>
internal sealed class JsonLogical(JsonCondition left, JsonCondition right, bool and) : JsonCondition
{
    public override bool Evaluate(JsonElement root) =>
        and ? left.Evaluate(root) && right.Evaluate(root) : left.Evaluate(root) || right.Evaluate(root);
}
