// SPDX-License-Identifier: Apache-2.0
namespace Nimbus.Core.Access.Policies;

/// <summary>Who signed a request, as the global condition keys describe it: <see cref="PrincipalType"/> is
/// <c>Account</c> (root), <c>User</c> or <c>AssumedRole</c>; <see cref="UserName"/> only for an IAM user.</summary>
public sealed record CallerIdentity(string Arn, string Account, string UserId, string PrincipalType, string? UserName);
