// SPDX-License-Identifier: Apache-2.0
namespace Nimbus.Core.Access.Policies;

/// <summary>A pattern against a value: a policy variable with no value in the request makes the statement not apply
/// (IAM User Guide, reference_policies_variables), which is neither a match nor a plain mismatch.</summary>
internal enum PatternMatch
{
    NoMatch,
    Match,
    Unresolvable,
}
