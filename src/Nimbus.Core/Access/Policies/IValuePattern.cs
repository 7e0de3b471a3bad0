// SPDX-License-Identifier: Apache-2.0
namespace Nimbus.Core.Access.Policies;

/// <summary>A compiled condition value a context value is matched against (a string pattern, an ARN pattern).</summary>
internal interface IValuePattern
{
    PatternMatch Match(ReadOnlySpan<char> value, RequestContext request);
}
