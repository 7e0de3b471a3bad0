// SPDX-License-Identifier: Apache-2.0
namespace Nimbus.Core.Access.Policies;

/// <summary>How a numeric or date condition compares the request's value with the policy's.
/// NotEquals is Equals negated by the clause.</summary>
internal enum Comparison
{
    Equals,
    LessThan,
    LessThanEquals,
    GreaterThan,
    GreaterThanEquals,
}
