// SPDX-License-Identifier: Apache-2.0
using Microsoft.AspNetCore.Http;
using Nimbus.Core.Access;
using Nimbus.Core.Audit;

namespace Nimbus.Api.Audit;

/// <summary>
/// The audit trail's notes on the request being served, kept in its features while <see cref="AuditMiddleware"/>
/// records it: the resources the operation was authorized on, and the error it was answered with. The APIs' error
/// writers and the authorization call fill it in; a request the trail is not recording has none, and costs one lookup.
/// </summary>
internal sealed class AuditEntry
{
    private List<AuditResource>? _resources;

    public string? ErrorCode { get; private set; }

    public string? ErrorMessage { get; private set; }

    /// <summary>Set once the event is handed to the writer, so that it is recorded once.</summary>
    public bool Recorded { get; set; }

    public IReadOnlyList<AuditResource> Resources => (IReadOnlyList<AuditResource>?)_resources ?? [];

    /// <summary>Notes the resource an operation is authorized on (the ARN the Authorizer was asked about).</summary>
    public static void NoteResource(HttpContext context, string arn)
    {
        if (context.Features.Get<AuditEntry>() is not { } entry || AuditResources.FromArn(arn) is not { } resource)
        {
            return;
        }

        entry._resources ??= [];
        foreach (var known in entry._resources)
        {
            if (known.Arn == resource.Arn)
            {
                return;
            }
        }

        entry._resources.Add(resource);
    }

    /// <summary>
    /// Notes the error the request is answered with, in its API's own code. Authorization failures are recorded as
    /// <c>AccessDenied</c> whatever the protocol calls them (Lambda's AccessDeniedException), the code CloudTrail
    /// records for them.
    /// </summary>
    public static void NoteError(HttpContext context, string code, string message)
    {
        if (context.Features.Get<AuditEntry>() is not { } entry)
        {
            return;
        }

        entry.ErrorCode = code is AccessDeniedException.ErrorType ? AccessDeniedException.QueryCode : code;
        entry.ErrorMessage = message;
    }
}
