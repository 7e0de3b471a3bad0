// SPDX-License-Identifier: Apache-2.0
namespace Nimbus.Core.Filtering;

/// <summary><c>{"suffix": "..."}</c> or <c>{"suffix": {"equals-ignore-case": "..."}}</c>: strings only.</summary>
internal sealed class SuffixMatcher(string suffix, bool ignoreCase) : ValueMatcher
{
    public override bool NeedsText => true;

    public override bool Matches(in EventScalar value) =>
        value.IsString && value.Text.EndsWith(suffix, ignoreCase ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal);
}
