// SPDX-License-Identifier: Apache-2.0
using Nimbus.Core.Arns;

namespace Nimbus.Core.Logs;

/// <summary>
/// CloudWatch Logs ARNs. DescribeLogGroups shows a group's <c>arn</c> with a trailing <c>:*</c> and its
/// <c>logGroupArn</c> without. Authorization names the resource as AWS's denials show it: a group operation acts on
/// <c>log-group:NAME:log-stream:</c>, a stream operation on <c>log-group:NAME:log-stream:STREAM</c>, an operation
/// on no group on <c>log-group::log-stream:</c>; so a policy's <c>log-group:NAME:*</c> covers both, as on AWS.
/// </summary>
public static class LogArns
{
    private const string GroupMarker = ":log-group:";

    public static string Group(Scope scope, string name)
    {
        ArgumentNullException.ThrowIfNull(scope);
        return $"arn:{Scope.Partition}:logs:{scope.Region}:{scope.Account}:log-group:{name}";
    }

    public static string GroupWithWildcard(Scope scope, string name) => Group(scope, name) + ":*";

    public static string Stream(Scope scope, string group, string stream) => $"{Group(scope, group)}:log-stream:{stream}";

    /// <summary>The resource a group-level operation is authorized on.</summary>
    public static string GroupResource(Scope scope, string name) => $"{Group(scope, name)}:log-stream:";

    /// <summary>
    /// The group a <c>logGroupIdentifier</c> or <c>resourceArn</c> names: a name, or a log-group ARN of this account
    /// and region (with or without <c>:*</c>). Null when it is an ARN of something else.
    /// </summary>
    public static string? GroupName(Scope scope, string identifier)
    {
        ArgumentNullException.ThrowIfNull(scope);
        ArgumentNullException.ThrowIfNull(identifier);
        if (!identifier.StartsWith("arn:", StringComparison.Ordinal))
        {
            return identifier;
        }

        var prefix = $"arn:{Scope.Partition}:logs:{scope.Region}:{scope.Account}{GroupMarker}";
        if (!identifier.StartsWith(prefix, StringComparison.Ordinal))
        {
            return null;
        }

        var name = identifier[prefix.Length..];
        if (name.EndsWith(":*", StringComparison.Ordinal))
        {
            name = name[..^2];
        }

        return name.Length == 0 || name.Contains(':', StringComparison.Ordinal) ? null : name;
    }
}
