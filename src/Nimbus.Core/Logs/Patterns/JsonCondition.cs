// SPDX-License-Identifier: Apache-2.0
using System.Text.Json;

namespace Nimbus.Core.Logs.Patterns;

/// <summary>A node of a JSON pattern's expression.</summary>
internal abstract class JsonCondition
{
    public abstract bool Evaluate(JsonElement root);
}
