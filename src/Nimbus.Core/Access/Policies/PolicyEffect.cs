// SPDX-License-Identifier: Apache-2.0
namespace Nimbus.Core.Access.Policies;

/// <summary>A statement's <c>Effect</c>: exactly <c>Allow</c> or <c>Deny</c>.</summary>
public enum PolicyEffect
{
    Allow,
    Deny,
}
