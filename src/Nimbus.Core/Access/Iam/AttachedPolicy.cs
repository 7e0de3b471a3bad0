// SPDX-License-Identifier: Apache-2.0
namespace Nimbus.Core.Access.Iam;

/// <summary>A managed policy attached to a user, role or group.</summary>
public sealed record AttachedPolicy(string PolicyName, string PolicyArn);
