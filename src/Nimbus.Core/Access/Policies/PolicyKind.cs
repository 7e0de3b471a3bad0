// SPDX-License-Identifier: Apache-2.0
namespace Nimbus.Core.Access.Policies;

/// <summary>Where a document is attached, which decides the elements it must and must not have.</summary>
public enum PolicyKind
{
    /// <summary>A user's, group's or role's inline or managed policy: no <c>Principal</c>, <c>Resource</c> required.</summary>
    Identity,

    /// <summary>A policy on a resource (a function policy): <c>Principal</c> and <c>Resource</c> required.</summary>
    Resource,

    /// <summary>A role's trust (assume-role) policy: <c>Principal</c> required, <c>Resource</c> prohibited.</summary>
    Trust,
}
