// SPDX-License-Identifier: Apache-2.0
namespace Nimbus.Core.Logs.Patterns;

/// <summary>
/// The test on one field of a space-delimited pattern: comparisons joined by <c>&amp;&amp;</c> and <c>||</c>
/// (<c>status_code = 4* || status_code = 5*</c>), or none (any value).
/// </summary>
internal abstract class FieldCondition
{
    public abstract bool Evaluate(ReadOnlySpan<char> value);

    /// <summary>Adds text every event whose field satisfies this condition contains (the field is a slice of the event).</summary>
    public virtual void CollectRequired(List<string> into)
    {
    }
}
