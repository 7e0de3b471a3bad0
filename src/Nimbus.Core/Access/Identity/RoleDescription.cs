// SPDX-License-Identifier: Apache-2.0
using Nimbus.Core.Access.Policies;

namespace Nimbus.Core.Access.Identity;

/// <summary>What assuming a role needs to know of it: its unique id (AROA…), its trust policy (a resource-based
/// policy whose principals may assume it) and the longest session it allows (1–12 hours; 1 by default).</summary>
public sealed record RoleDescription(string Arn, string RoleName, string RoleId, PolicyDocument TrustPolicy, TimeSpan MaxSessionDuration);
