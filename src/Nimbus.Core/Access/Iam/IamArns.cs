// SPDX-License-Identifier: Apache-2.0
namespace Nimbus.Core.Access.Iam;

/// <summary>IAM's and STS's ARNs: arn:aws:iam::ACCOUNT:user/PATH/NAME (role/, group/, policy/) and
/// arn:aws:sts::ACCOUNT:assumed-role/ROLE/SESSION, PATH being "/" or "/a/b/".</summary>
public static class IamArns
{
    public static string Of(IamEntityKind kind, string account, string path, string name) => kind switch
    {
        IamEntityKind.User => $"arn:aws:iam::{account}:user{path}{name}",
        IamEntityKind.Role => $"arn:aws:iam::{account}:role{path}{name}",
        _ => $"arn:aws:iam::{account}:group{path}{name}",
    };

    public static string Policy(string account, string path, string name) => $"arn:aws:iam::{account}:policy{path}{name}";

    public static string AssumedRole(string account, string roleName, string sessionName) => $"arn:aws:sts::{account}:assumed-role/{roleName}/{sessionName}";

    public static string Root(string account) => $"arn:aws:iam::{account}:root";

    /// <summary>The name in an ARN's resource: what follows its last '/'.</summary>
    public static string NameOf(string arn) => arn[(arn.LastIndexOf('/') + 1)..];

    /// <summary>The account of an ARN (its fifth field); empty when it has none.</summary>
    public static string AccountOf(string arn)
    {
        var parts = arn.Split(':', 6);
        return parts.Length == 6 ? parts[4] : string.Empty;
    }

    /// <summary>For an assumed-role ARN, the role's name and the session's; null otherwise.</summary>
    public static (string Role, string Session)? ParseAssumedRole(string arn)
    {
        var colon = arn.IndexOf(":assumed-role/", StringComparison.Ordinal);
        if (!arn.StartsWith("arn:aws:sts::", StringComparison.Ordinal) || colon < 0)
        {
            return null;
        }

        var rest = arn[(colon + ":assumed-role/".Length)..];
        var slash = rest.IndexOf('/', StringComparison.Ordinal);
        return slash <= 0 ? null : (rest[..slash], rest[(slash + 1)..]);
    }

    /// <summary>For arn:aws:iam::A:user/PATH/NAME (or role/, group/), the kind, path and name; null otherwise.</summary>
    public static (IamEntityKind Kind, string Path, string Name)? ParseEntity(string arn)
    {
        if (!arn.StartsWith("arn:aws:iam::", StringComparison.Ordinal))
        {
            return null;
        }

        var parts = arn.Split(':', 6);
        if (parts.Length != 6)
        {
            return null;
        }

        var resource = parts[5];
        var firstSlash = resource.IndexOf('/', StringComparison.Ordinal);
        var lastSlash = resource.LastIndexOf('/');
        if (firstSlash <= 0 || lastSlash == resource.Length - 1)
        {
            return null;
        }

        IamEntityKind? kind = resource[..firstSlash] switch
        {
            "user" => IamEntityKind.User,
            "role" => IamEntityKind.Role,
            "group" => IamEntityKind.Group,
            _ => null,
        };
        return kind is { } k ? (k, resource[firstSlash..(lastSlash + 1)], resource[(lastSlash + 1)..]) : null;
    }
}
