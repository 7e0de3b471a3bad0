// SPDX-License-Identifier: Apache-2.0
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Nimbus.Api.Access;
using Nimbus.Core.Access;
using Nimbus.Core.Storage;

namespace Nimbus.Api.CloudTrail;

/// <summary>
/// CloudTrail on the shared endpoint: LookupEvents over the audit trail (docs/audit.md). A POST with
/// <c>X-Amz-Target: com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101.*</c> is answered here; every other
/// request goes on. The trail is read-only here: no operation of this or any API changes it.
/// </summary>
internal sealed class CloudTrailEndpointMiddleware(RequestDelegate next)
{
    private const long MaxRequestBytes = 64 * 1024;

    public async Task InvokeAsync(HttpContext context)
    {
        if (!HttpMethods.IsPost(context.Request.Method) || !CloudTrailProtocol.IsCloudTrailRequest(context.Request))
        {
            await next(context);
            return;
        }

        var operation = context.Request.Headers["X-Amz-Target"].ToString()[CloudTrailProtocol.TargetPrefix.Length..];
        try
        {
            if (operation != "LookupEvents")
            {
                // AWS JSON services answer an operation they do not know with UnknownOperationException.
                throw new CloudTrailException("UnknownOperationException", $"Nimbus serves CloudTrail's LookupEvents only, not {operation}.");
            }

            if (context.Request.ContentLength > MaxRequestBytes)
            {
                throw new CloudTrailException("SerializationException", "The request body is too large.");
            }

            JsonDocument document;
            try
            {
                document = context.Request.ContentLength == 0
                    ? JsonDocument.Parse("{}")
                    : await JsonDocument.ParseAsync(context.Request.Body, default, context.RequestAborted);
            }
            catch (JsonException)
            {
                throw new CloudTrailException("SerializationException", "The request body is not valid JSON.");
            }

            using (document)
            {
                await context.AuthorizeAsync("cloudtrail:LookupEvents", "*");
                var store = context.RequestServices.GetRequiredService<IAuditStore>();
                var buffer = await LookupEventsOperation.RunAsync(context.Caller().Account, document.RootElement, store, context.RequestAborted);
                var response = context.Response;
                response.StatusCode = StatusCodes.Status200OK;
                response.ContentType = CloudTrailProtocol.ContentType;
                response.ContentLength = buffer.WrittenCount;
                await response.Body.WriteAsync(buffer.WrittenMemory, context.RequestAborted);
            }
        }
        catch (CloudTrailException error)
        {
            await CloudTrailProtocol.WriteErrorAsync(context, error.ErrorType, error.Message);
        }
        catch (AccessDeniedException denied)
        {
            // AWS JSON 1.1 services answer a denial as a client error (400), as CloudWatch Logs does here.
            await CloudTrailProtocol.WriteErrorAsync(context, AccessDeniedException.ErrorType, denied.Message);
        }
    }
}
