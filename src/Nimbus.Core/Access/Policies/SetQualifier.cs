// SPDX-License-Identifier: Apache-2.0
namespace Nimbus.Core.Access.Policies;

/// <summary>The set operator prefix of a condition: none, <c>ForAnyValue:</c> or <c>ForAllValues:</c>.</summary>
internal enum SetQualifier
{
    None,
    ForAnyValue,
    ForAllValues,
}
