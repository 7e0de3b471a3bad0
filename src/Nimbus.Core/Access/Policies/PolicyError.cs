// SPDX-License-Identifier: Apache-2.0
namespace Nimbus.Core.Access.Policies;

/// <summary>Why a policy document was refused: IAM's error code (<c>MalformedPolicyDocument</c> or
/// <c>LimitExceeded</c>) and its message.</summary>
public sealed record PolicyError(string Code, string Message);
