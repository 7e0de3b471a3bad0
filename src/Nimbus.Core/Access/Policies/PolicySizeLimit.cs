// SPDX-License-Identifier: Apache-2.0
namespace Nimbus.Core.Access.Policies;

/// <summary>
/// IAM's size quotas for a policy document, in characters not counting white space
/// (IAM User Guide, reference_iam-quotas: "IAM doesn't count white space when calculating the size of a policy").
/// </summary>
public sealed record PolicySizeLimit(string Quota, int Size)
{
    /// <summary>A customer managed policy: 6,144 characters.</summary>
    public static PolicySizeLimit ManagedPolicy { get; } = new("PolicySize", 6144);

    /// <summary>A user's inline policies together: 2,048 characters.</summary>
    public static PolicySizeLimit UserInlinePolicy { get; } = new("UserPolicySize", 2048);

    /// <summary>A group's inline policies together: 5,120 characters.</summary>
    public static PolicySizeLimit GroupInlinePolicy { get; } = new("GroupPolicySize", 5120);

    /// <summary>A role's inline policies together: 10,240 characters.</summary>
    public static PolicySizeLimit RoleInlinePolicy { get; } = new("RolePolicySize", 10240);

    /// <summary>A role's trust policy: 2,048 characters by default.</summary>
    public static PolicySizeLimit TrustPolicy { get; } = new("ACLSizePerRole", 2048);

    /// <summary>Characters IAM counts: all but white space.</summary>
    public static int Measure(ReadOnlySpan<char> document)
    {
        var count = 0;
        foreach (var c in document)
        {
            if (!char.IsWhiteSpace(c))
            {
                count++;
            }
        }

        return count;
    }
}
