// SPDX-License-Identifier: Apache-2.0
using System.Text.Json;

namespace Nimbus.Core.Logs.Patterns;

/// <summary>A node of a JSON pattern's expression.</summary>
internal abstract class JsonCondition
{
    public abstract bool Evaluate(JsonElement root);

    /// <summary>Adds text every event that satisfies this condition contains (see <see cref="FilterPattern.RequiredSubstrings"/>).</summary>
    public virtual void CollectRequired(List<string> into)
    {
    }
}
