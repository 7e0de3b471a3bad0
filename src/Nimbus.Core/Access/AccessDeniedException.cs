// SPDX-License-Identifier: Apache-2.0
using Nimbus.Core.Access.Policies;

namespace Nimbus.Core.Access;

/// <summary>
/// A request the caller's policies do not allow. Every API writes it in its own protocol: Lambda's and CloudWatch's
/// JSON as 403 <c>AccessDeniedException</c>, the query protocols (IAM, STS, SQS) as 403 <c>AccessDenied</c>; the
/// message is AWS's (<see cref="AccessDeniedMessage"/>).
/// </summary>
public sealed class AccessDeniedException : Exception
{
    public const string ErrorType = "AccessDeniedException";
    public const string QueryCode = "AccessDenied";
    public const int StatusCode = 403;

    public AccessDeniedException(string principalArn, string action, string resource, DecisionReason reason)
        : base(AccessDeniedMessage.Format(principalArn, action, resource, reason))
    {
        Action = action;
        Resource = resource;
        Reason = reason;
    }

    public string Action { get; }

    public string Resource { get; }

    public DecisionReason Reason { get; }
}
