// SPDX-License-Identifier: Apache-2.0
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Nimbus.Api.Hosting;
using Nimbus.Core.Access.Credentials;
using Nimbus.Core.Audit;

namespace Nimbus.Api.Audit;

/// <summary>
/// Records a call refused before it was authenticated (a missing, malformed, unknown, expired or wrongly signed
/// credential) in the audit trail: the operation it named, the access key id it claimed (never anything secret), the
/// error code it was answered with, and <c>userIdentity.type</c> <c>Unknown</c>, as CloudTrail writes an identity it
/// could not establish. It goes to the account of the key when the key is known, else to the server's account. These
/// events are queued as data events are (not waited for, dropped past the queue's bound), so that a flood of bad
/// requests cannot slow the server or grow the trail without bound; data operations are recorded only with data events.
/// </summary>
internal static class AuthenticationAudit
{
    public static async Task RecordAsync(HttpContext context, string errorCode, string message)
    {
        if (context.RequestServices is not { } services || services.GetService<AuditWriter>() is not { } writer || services.GetService<IOptions<AuditOptions>>()?.Value is not { Enabled: true } options)
        {
            return;
        }

        var request = context.Request;
        var operation = AuditClassifier.Classify(context);
        if (operation is null && QueryServices.IsForm(request))
        {
            try
            {
                operation = AuditClassifier.FromForm(context, await request.ReadFormAsync(context.RequestAborted));
            }
            catch (Exception ex) when (ex is InvalidDataException or IOException or BadHttpRequestException)
            {
                // An unreadable form names no operation: nothing to record.
            }
        }

        if (operation is null || (operation.Data && !options.DataEvents))
        {
            return;
        }

        var api = services.GetRequiredService<IOptions<ApiOptions>>().Value;
        var time = services.GetRequiredService<TimeProvider>();
        var (accessKeyId, region) = CredentialScope(request);
        var account = api.AccountId;
        if (accessKeyId is not null && services.GetService<CredentialDirectory>() is { } credentials
            && credentials.TryGet(accessKeyId, time.GetUtcNow(), out var credential))
        {
            account = credential.AccountId;
        }

        var now = time.GetUtcNow();
        writer.Post(new AuditEvent
        {
            EventId = AuditEventIds.New(now),
            EventTime = now,
            Account = account,
            Region = region ?? api.DefaultRegion,
            EventSource = operation.EventSource,
            EventName = operation.EventName,
            ReadOnly = operation.ReadOnly,
            Management = !operation.Data,
            RequestId = AwsErrorMiddleware.RequestIdOf(context),
            AccessKeyId = accessKeyId,
            SourceIpAddress = context.Connection.RemoteIpAddress?.ToString() ?? "127.0.0.1",
            UserAgent = request.Headers.UserAgent.ToString(),
            ErrorCode = errorCode,
            ErrorMessage = message,
        });
    }

    /// <summary>The access key id and region a request's SigV4 credential names (header or presigned query), if any.</summary>
    private static (string? AccessKeyId, string? Region) CredentialScope(HttpRequest request)
    {
        var authorization = request.Headers.Authorization.ToString();
        var start = authorization.IndexOf("Credential=", StringComparison.Ordinal);
        var credential = start >= 0
            ? authorization[(start + "Credential=".Length)..].Split(',', 2)[0].Trim()
            : request.Query["X-Amz-Credential"].ToString();
        if (credential.Length == 0)
        {
            return (null, null);
        }

        // AKID/date/region/service/aws4_request: only the key id and region are kept (an id is not a secret).
        var parts = credential.Split('/', 5);
        var id = parts[0].Length is > 0 and <= 128 ? parts[0] : null;
        return (id, parts.Length >= 3 && parts[2].Length is > 0 and <= 64 ? parts[2] : null);
    }
}
