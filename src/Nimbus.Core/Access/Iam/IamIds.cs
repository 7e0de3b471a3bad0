// SPDX-License-Identifier: Apache-2.0
using System.Security.Cryptography;

namespace Nimbus.Core.Access.Iam;

/// <summary>Unique ids as IAM makes them: a four-letter prefix by kind and 17 base-32 characters, 21 in all
/// (IAM User Guide, reference_identifiers, "Understanding unique ID prefixes").</summary>
public static class IamIds
{
    public const string UserPrefix = "AIDA";
    public const string RolePrefix = "AROA";
    public const string GroupPrefix = "AGPA";
    public const string PolicyPrefix = "ANPA";

    private const string Base32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

    public static string New(string prefix) => prefix + RandomNumberGenerator.GetString(Base32, 17);

    public static string For(IamEntityKind kind) => New(kind switch
    {
        IamEntityKind.User => UserPrefix,
        IamEntityKind.Role => RolePrefix,
        _ => GroupPrefix,
    });
}
