// SPDX-License-Identifier: Apache-2.0
namespace Nimbus.Core.Access.Iam;

/// <summary>What a conditional IAM write did; the service turns each refusal into IAM's error.</summary>
public enum IamWriteOutcome
{
    Done,

    /// <summary>The user, role, group or policy version named does not exist.</summary>
    NotFound,

    /// <summary>The managed policy named does not exist.</summary>
    PolicyNotFound,

    /// <summary>The other entity named (the user added to a group) does not exist.</summary>
    MemberNotFound,

    /// <summary>Something still depends on it (keys, policies, members, attachments, versions).</summary>
    Conflict,

    /// <summary>The deletion of a policy refused because it has versions besides the default.</summary>
    HasVersions,

    /// <summary>A quota (keys per user, versions per policy, attached policies) would be exceeded.</summary>
    LimitExceeded,

    /// <summary>The policy is not attached (detach) or the version is the default one (delete version).</summary>
    NotAttached,
}
