// SPDX-License-Identifier: Apache-2.0
namespace Nimbus.Core.Access;

/// <summary>
/// Who made a request, once its signature checked out, as the global condition keys and STS's GetCallerIdentity
/// describe it: <see cref="PrincipalType"/> is <c>Account</c> (root), <c>User</c> or <c>AssumedRole</c>;
/// <see cref="UserName"/> only for an IAM user; <see cref="UserId"/> the account id (root), the user's AIDA… id, or
/// ROLEID:SESSION. Kept in the request's features for authorization and the audit trail.
/// </summary>
public sealed record CallerIdentity(string Arn, string Account, string UserId, string PrincipalType, string? UserName)
{
    public const string AccountType = "Account";
    public const string UserType = "User";
    public const string AssumedRoleType = "AssumedRole";
    public const string AnonymousType = "Anonymous";

    /// <summary>
    /// An unsigned caller, as a function URL with AuthType NONE has: no identity-based policies, no account; only a
    /// resource-based statement whose Principal is everyone (<c>"*"</c> or <c>{"AWS": "*"}</c>) can allow it.
    /// aws:PrincipalType is <c>Anonymous</c> and aws:userid <c>anonymous</c>, as IAM documents for anonymous requests.
    /// </summary>
    public static CallerIdentity Anonymous { get; } = new("*", string.Empty, "anonymous", AnonymousType, null);

    /// <summary>The key the request was signed with; null when authentication is off.</summary>
    public string? AccessKeyId { get; init; }

    /// <summary>
    /// The identity an ARN names: <c>arn:aws:iam::A:root</c>, <c>arn:aws:iam::A:user/PATH/NAME</c> or
    /// <c>arn:aws:sts::A:assumed-role/ROLE/SESSION</c>. <paramref name="uniqueId"/> is the user's or role's unique id
    /// (AIDA…, AROA…) where known; the name stands in for it otherwise.
    /// </summary>
    public static CallerIdentity ForArn(string arn, string account, string? uniqueId = null, string? accessKeyId = null)
    {
        ArgumentNullException.ThrowIfNull(arn);
        var resource = arn.AsSpan(arn.IndexOf(':', arn.IndexOf(':', arn.IndexOf(':', arn.IndexOf(':', 4) + 1) + 1) + 1) + 1);
        if (resource.StartsWith("user/"))
        {
            var name = resource[(resource.LastIndexOf('/') + 1)..].ToString();
            return new CallerIdentity(arn, account, uniqueId ?? name, UserType, name) { AccessKeyId = accessKeyId };
        }

        if (resource.StartsWith("assumed-role/"))
        {
            var rest = resource["assumed-role/".Length..];
            var slash = rest.IndexOf('/');
            var session = slash < 0 ? string.Empty : rest[(slash + 1)..].ToString();
            var role = slash < 0 ? rest.ToString() : rest[..slash].ToString();
            return new CallerIdentity(arn, account, $"{uniqueId ?? role}:{session}", AssumedRoleType, null) { AccessKeyId = accessKeyId };
        }

        return new CallerIdentity(arn, account, account, AccountType, null) { AccessKeyId = accessKeyId };
    }
}
