// SPDX-License-Identifier: Apache-2.0
namespace Nimbus.Core.Filtering;

/// <summary>One alternative of a leaf's array: an exact value or a match expression such as <c>{"prefix": ...}</c>.</summary>
internal abstract class ValueMatcher
{
    /// <summary>Whether this matcher reads <see cref="EventScalar.Text"/>, so the leaf decodes strings for it.</summary>
    public virtual bool NeedsText => false;

    public abstract bool Matches(in EventScalar value);
}
