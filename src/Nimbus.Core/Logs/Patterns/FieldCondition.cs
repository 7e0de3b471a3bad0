// SPDX-License-Identifier: Apache-2.0
namespace Nimbus.Core.Logs.Patterns;

/// <summary>
/// The test on one field of a space-delimited pattern: comparisons joined by <c>&amp;&amp;</c> and <c>||</c>
/// (<c>status_code = 4* || status_code = 5*</c>), or none (any value).
/// </summary>
internal abstract class FieldCondition
{
    public abstract bool Evaluate(ReadOnlySpan<char> value);
}
