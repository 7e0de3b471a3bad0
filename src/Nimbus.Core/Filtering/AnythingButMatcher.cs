// SPDX-License-Identifier: Apache-2.0
namespace Nimbus.Core.Filtering;

/// <summary>
/// <c>{"anything-but": ...}</c>: a scalar matches when none of the excluded matchers does. Like EventBridge, a value of
/// another type passes (null passes <c>{"anything-but": "x"}</c>, 12 passes <c>{"anything-but": {"prefix": "i"}}</c>);
/// a missing field does not.
/// </summary>
internal sealed class AnythingButMatcher(ValueMatcher[] excluded) : ValueMatcher
{
    public override bool NeedsText => true;

    public override bool Matches(in EventScalar value)
    {
        foreach (var matcher in excluded)
        {
            if (matcher.Matches(value))
            {
                return false;
            }
        }

        return true;
    }
}
