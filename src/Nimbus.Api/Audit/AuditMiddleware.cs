// SPDX-License-Identifier: Apache-2.0
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Nimbus.Api.Hosting;
using Nimbus.Core.Access;
using Nimbus.Core.Audit;

namespace Nimbus.Api.Audit;

/// <summary>
/// Records every authenticated API call in the audit trail (docs/audit.md). Runs after authentication, so the caller
/// is known, and around the APIs, which note the resources they authorize and the errors they answer
/// (<see cref="AuditEntry"/>). The event is built when the response starts: a management call's event is committed
/// before its answer goes out; a data event (recorded only with <see cref="AuditOptions.DataEvents"/>) is queued and
/// not waited for. A data event that is not recorded costs one route lookup and nothing else.
/// </summary>
internal sealed partial class AuditMiddleware(RequestDelegate next, AuditWriter writer, IOptions<AuditOptions> options, IOptions<ApiOptions> api, TimeProvider time, ILogger<AuditMiddleware> logger)
{
    private static readonly Func<object, Task> s_onStarting = state => ((Call)state).OnStartingAsync();
    private readonly AuditOptions _options = options.Value;
    private readonly string _defaultRegion = api.Value.DefaultRegion;

    public Task InvokeAsync(HttpContext context)
    {
        if (!_options.Enabled || context.Features.Get<CallerIdentity>() is not { } caller)
        {
            return next(context);
        }

        var operation = AuditClassifier.Classify(context);
        if (operation is { Data: true } && !_options.DataEvents)
        {
            return next(context);
        }

        return RecordAsync(context, caller, operation);
    }

    private async Task RecordAsync(HttpContext context, CallerIdentity caller, AuditOperation? operation)
    {
        var entry = new AuditEntry();
        context.Features.Set(entry);
        var request = context.Request;
        if (operation is { Data: false } && request.ContentLength > 0 && !(request.ContentType?.Contains("form", StringComparison.OrdinalIgnoreCase) ?? false))
        {
            // Read again once answered, for the requestParameters (bodies past 30 KB buffer to a temporary file).
            request.EnableBuffering();
        }

        // A management write's answer is held back for its responseElements (what AWS records; reads record none).
        using var capture = operation is { Data: false, ReadOnly: false } ? AuditResponseCapture.Start(context) : null;
        var call = new Call(this, context, caller, operation, entry, time.GetUtcNow()) { Capture = capture };
        context.Response.OnStarting(s_onStarting, call);
        var answered = false;
        try
        {
            await next(context);
            if (capture is not null)
            {
                await capture.CompleteAsync();
            }

            answered = true;
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            // The client went away before its answer: recorded without waiting.
            await call.RecordAsync(wait: false);
            throw;
        }
        finally
        {
            if (!answered && capture is not null)
            {
                // Thrown past: the server's body is put back for AwsErrorMiddleware's answer, which records the call.
                await capture.ReleaseAsync(send: false);
            }
        }

        // Other exceptions are answered by AwsErrorMiddleware, whose answer records the call with its error (OnStarting).
        if (!entry.Recorded)
        {
            // An answer not started yet (held back, or no body: a 204, a bare status), which goes out when this
            // returns: recorded first.
            await call.RecordAsync(wait: true);
        }

        if (capture is not null)
        {
            await capture.ReleaseAsync(send: true);
        }
    }

    private async Task<AuditEvent?> BuildAsync(Call call)
    {
        var context = call.Context;
        var form = context.Features.Get<IFormFeature>()?.Form;
        var operation = call.Operation ?? (form is null ? null : AuditClassifier.FromForm(context, form));
        if (operation is null || (operation.Data && !_options.DataEvents))
        {
            return null;
        }

        var request = context.Request;
        var response = context.Response;
        string? parameters;
        if (operation.Data)
        {
            // A data event's contents (payloads, message bodies, log events) are not the trail's: only where it went.
            parameters = AuditParameters.Build(request, null, null);
        }
        else if (request.Body.CanSeek && request.ContentLength > 0)
        {
            request.Body.Position = 0;
            JsonDocument? document = null;
            try
            {
                document = await JsonDocument.ParseAsync(request.Body, default, CancellationToken.None);
            }
            catch (JsonException)
            {
                // Not JSON (the API answered so); the path and query still say what was asked.
            }

            using (document)
            {
                parameters = AuditParameters.Build(request, document?.RootElement, form);
            }
        }
        else
        {
            parameters = AuditParameters.Build(request, null, form);
        }

        var entry = call.Entry;
        var errorCode = entry.ErrorCode;
        var errorMessage = entry.ErrorMessage;
        if (errorCode is null && response.StatusCode >= 400)
        {
            errorCode = response.Headers["x-amzn-ErrorType"].ToString() is { Length: > 0 } type ? type : $"Http{response.StatusCode}";
        }

        string? responseElements = null;
        if (call.Capture?.Body is { Length: > 0 } answer && response.StatusCode is >= 200 and < 300 && errorCode is null
            && (response.ContentType?.Contains("json", StringComparison.OrdinalIgnoreCase) ?? false))
        {
            responseElements = AuditParameters.Response(answer.Span);
        }

        var caller = call.Caller;
        return new AuditEvent
        {
            EventId = AuditEventIds.New(call.Started),
            EventTime = call.Started,
            Account = caller.Account,
            Region = RegionOf(request) ?? _defaultRegion,
            EventSource = operation.EventSource,
            EventName = operation.EventName,
            ReadOnly = operation.ReadOnly,
            Management = !operation.Data,
            RequestId = AwsErrorMiddleware.RequestIdOf(context),
            PrincipalArn = caller.Arn,
            PrincipalId = caller.UserId,
            PrincipalType = caller.PrincipalType,
            Username = UsernameOf(caller),
            AccessKeyId = caller.AccessKeyId,
            SourceIpAddress = context.Connection.RemoteIpAddress?.ToString() ?? "127.0.0.1",
            UserAgent = request.Headers.UserAgent.ToString(),
            RequestParameters = parameters,
            ResponseElements = responseElements,
            ErrorCode = errorCode,
            ErrorMessage = errorCode is null ? null : errorMessage ?? string.Empty,
            Resources = entry.Resources,
        };
    }

    /// <summary>LookupEvents' Username: the IAM user's name, <c>root</c>, or an assumed role's session name.</summary>
    private static string UsernameOf(CallerIdentity caller) => caller.PrincipalType switch
    {
        CallerIdentity.UserType => caller.UserName ?? caller.UserId,
        CallerIdentity.AssumedRoleType => caller.Arn[(caller.Arn.LastIndexOf('/') + 1)..],
        _ => "root",
    };

    /// <summary>The region of the SigV4 credential scope (<c>Credential=AKID/date/REGION/service/aws4_request</c>).</summary>
    private string? RegionOf(HttpRequest request)
    {
        var authorization = request.Headers.Authorization.ToString().AsSpan();
        var start = authorization.IndexOf("Credential=", StringComparison.Ordinal);
        if (start < 0)
        {
            return null;
        }

        // Without splitting the header: skip the key id and the date, take what comes before the next '/'.
        var rest = authorization[(start + "Credential=".Length)..];
        for (var skip = 0; skip < 2; skip++)
        {
            var slash = rest.IndexOf('/');
            if (slash < 0)
            {
                return null;
            }

            rest = rest[(slash + 1)..];
        }

        var end = rest.IndexOf('/');
        var region = end < 0 ? rest : rest[..end];
        if (region.IsEmpty)
        {
            return null;
        }

        // The usual region is the server's own: no new string for it.
        return region.SequenceEqual(_defaultRegion) ? _defaultRegion : region.ToString();
    }

    /// <summary>One call being recorded.</summary>
    private sealed class Call(AuditMiddleware owner, HttpContext context, CallerIdentity caller, AuditOperation? operation, AuditEntry entry, DateTimeOffset started)
    {
        public HttpContext Context => context;

        public CallerIdentity Caller => caller;

        public AuditOperation? Operation => operation;

        public AuditEntry Entry => entry;

        public DateTimeOffset Started => started;

        public AuditResponseCapture? Capture { get; init; }

        public Task OnStartingAsync() => RecordAsync(wait: true);

        public async Task RecordAsync(bool wait)
        {
            if (entry.Recorded)
            {
                return;
            }

            entry.Recorded = true;
            try
            {
                if (await owner.BuildAsync(this) is not { } e)
                {
                    return;
                }

                if (!e.Management)
                {
                    owner.Post(e);
                }
                else if (wait)
                {
                    await owner.WriteAsync(e);
                }
                else
                {
                    _ = owner.WriteAsync(e);
                }
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                Log.RecordFailed(owner.Logger, ex, context.Request.Method, context.Request.Path);
            }
        }
    }

    private ILogger Logger => logger;

    private void Post(AuditEvent e) => writer.Post(e);

    private Task WriteAsync(AuditEvent e) => writer.WriteAsync(e);

    private static partial class Log
    {
        [LoggerMessage(EventId = 1, Level = LogLevel.Error, Message = "Could not record {Method} {Path} in the audit trail")]
        public static partial void RecordFailed(ILogger logger, Exception exception, string method, string path);
    }
}
