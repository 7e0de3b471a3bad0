// SPDX-License-Identifier: Apache-2.0
namespace Nimbus.Core.Access.Iam;

/// <summary>The IAM identities that hold policies: users, roles and groups.</summary>
public enum IamEntityKind
{
    User,
    Role,
    Group,
}
