// SPDX-License-Identifier: Apache-2.0
namespace Nimbus.Core.Filtering;

/// <summary><c>{"prefix": "..."}</c> or <c>{"prefix": {"equals-ignore-case": "..."}}</c>: strings only.</summary>
internal sealed class PrefixMatcher(string prefix, bool ignoreCase) : ValueMatcher
{
    public override bool NeedsText => true;

    public override bool Matches(in EventScalar value) =>
        value.IsString && value.Text.StartsWith(prefix, ignoreCase ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal);
}
