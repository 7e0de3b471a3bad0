// SPDX-License-Identifier: Apache-2.0
namespace Nimbus.Core.Filtering;

/// <summary><c>{"equals-ignore-case": "..."}</c>: strings only.</summary>
internal sealed class EqualsIgnoreCaseMatcher(string text) : ValueMatcher
{
    public override bool NeedsText => true;

    public override bool Matches(in EventScalar value) =>
        value.IsString && value.Text.Equals(text, StringComparison.OrdinalIgnoreCase);
}
