// SPDX-License-Identifier: Apache-2.0
using System.Text.RegularExpressions;

namespace Nimbus.Core.Validation;

/// <summary>The function permission shapes' patterns (AddPermission, RemovePermission), as the service model states them.</summary>
public static partial class Patterns
{
    /// <summary>RemovePermission's StatementId (NamespacedStatementId) also allows dots.</summary>
    public const string NamespacedStatementIdText = "([a-zA-Z0-9-_.]+)";

    public const string ActionText = "(lambda:[*]|lambda:[a-zA-Z]+|[*])";

    public const string PrincipalText = @"[^\s]+";

    public const string SourceArnText =
        @"arn:(aws[a-zA-Z0-9-]*):([a-zA-Z0-9\-])+:((eusc-)?[a-z]{2}((-gov)|(-iso([a-z]?)))?-[a-z]+-\d{1})?:(\d{12})?:(.*)";

    public const string SourceOwnerText = @"\d{12}";

    public const string EventSourceTokenText = @"[a-zA-Z0-9._\-]+";

    [GeneratedRegex(@"^([a-zA-Z0-9-_.]+)\z")]
    public static partial Regex NamespacedStatementId();

    [GeneratedRegex(@"^(lambda:[*]|lambda:[a-zA-Z]+|[*])\z")]
    public static partial Regex Action();

    [GeneratedRegex(@"^[^\s]+\z")]
    public static partial Regex Principal();

    [GeneratedRegex(@"^arn:(aws[a-zA-Z0-9-]*):([a-zA-Z0-9\-])+:((eusc-)?[a-z]{2}((-gov)|(-iso([a-z]?)))?-[a-z]+-\d{1})?:(\d{12})?:(.*)\z", RegexOptions.Singleline)]
    public static partial Regex SourceArn();

    [GeneratedRegex(@"^\d{12}\z")]
    public static partial Regex SourceOwner();

    [GeneratedRegex(@"^[a-zA-Z0-9._\-]+\z")]
    public static partial Regex EventSourceToken();

    /// <summary>An IAM or STS ARN with an account and no wildcard, as a principal (a root, user, role or role session).</summary>
    [GeneratedRegex(@"^arn:aws[a-zA-Z-]*:(iam|sts)::\d{12}:[^*]+\z")]
    public static partial Regex IamPrincipalArn();
}
