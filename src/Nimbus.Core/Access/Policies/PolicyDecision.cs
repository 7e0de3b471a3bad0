// SPDX-License-Identifier: Apache-2.0
namespace Nimbus.Core.Access.Policies;

public enum PolicyDecision
{
    Deny,
    Allow,
}
