// SPDX-License-Identifier: Apache-2.0
namespace Nimbus.Core.Audit;

/// <summary>
/// One API call as the audit trail keeps it: who (the caller's ARN, id, type and access key), from where (source
/// address, user agent), what (the service's event source and CloudTrail's event name), on what (resources), with which
/// parameters (secrets already removed) and how it ended (error code and message). <see cref="Record"/> is the
/// CloudTrail record (the <c>CloudTrailEvent</c> string of LookupEvents), built once when the event is written.
/// </summary>
public sealed record AuditEvent
{
    public required string EventId { get; init; }

    public required DateTimeOffset EventTime { get; init; }

    public required string Account { get; init; }

    public required string Region { get; init; }

    /// <summary><c>lambda.amazonaws.com</c>, <c>sqs.amazonaws.com</c> …</summary>
    public required string EventSource { get; init; }

    /// <summary>CloudTrail's name: the operation, for Lambda with its API version (<c>CreateFunction20150331</c>).</summary>
    public required string EventName { get; init; }

    public required bool ReadOnly { get; init; }

    /// <summary>False for data events (Invoke, queue messages, log events), which are recorded only when asked for.</summary>
    public required bool Management { get; init; }

    public required string RequestId { get; init; }

    /// <summary>The caller's ARN; null when the request was not authenticated.</summary>
    public string? PrincipalArn { get; init; }

    /// <summary>The caller's unique id: the account id (root), the user's id, or ROLEID:SESSION.</summary>
    public string? PrincipalId { get; init; }

    /// <summary><c>Account</c>, <c>User</c> or <c>AssumedRole</c> (<see cref="Access.CallerIdentity"/>).</summary>
    public string? PrincipalType { get; init; }

    /// <summary>The user name LookupEvents reports: the IAM user's, <c>root</c>, or an assumed role's session name.</summary>
    public string? Username { get; init; }

    public string? AccessKeyId { get; init; }

    public string? SourceIpAddress { get; init; }

    public string? UserAgent { get; init; }

    /// <summary>The request's parameters as a JSON object, secrets replaced; null when the call has none.</summary>
    public string? RequestParameters { get; init; }

    /// <summary>A management write's answer as a JSON object, secrets replaced as in the parameters; null for reads, errors and empty answers.</summary>
    public string? ResponseElements { get; init; }

    public string? ErrorCode { get; init; }

    public string? ErrorMessage { get; init; }

    public IReadOnlyList<AuditResource> Resources { get; init; } = [];

    /// <summary>The CloudTrail record; empty until <see cref="AuditRecord.Build"/> fills it.</summary>
    public string Record { get; init; } = string.Empty;
}
