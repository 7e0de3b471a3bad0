// SPDX-License-Identifier: Apache-2.0
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Nimbus.Api.Access;
using Nimbus.Api.Wire;
using Nimbus.Core.Storage;

namespace Nimbus.Api.CloudTrail;

/// <summary>
/// CloudTrail on the shared endpoint: LookupEvents over the audit trail (docs/audit.md). A POST with
/// <c>X-Amz-Target: com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101.*</c> is answered here; every other
/// request goes on. The trail is read-only here: no operation of this or any API changes it.
/// </summary>
internal sealed class CloudTrailEndpointMiddleware(RequestDelegate next) : AwsJsonEndpointMiddleware(next, CloudTrailProtocol.Json)
{
    protected override long MaxRequestBytes => 64 * 1024;

    /// <summary>AWS JSON services answer an operation they do not know with UnknownOperationException.</summary>
    protected override Exception? Unknown(string operation) => operation == "LookupEvents"
        ? null
        : new CloudTrailException("UnknownOperationException", $"Nimbus serves CloudTrail's LookupEvents only, not {operation}.");

    protected override Exception TooLarge(long bytes) => new CloudTrailException("SerializationException", "The request body is too large.");

    protected override AwsJsonError? Describe(Exception error) =>
        error is CloudTrailException trail ? new AwsJsonError(trail.ErrorType, trail.Message) : null;

    protected override async Task RunAsync(HttpContext context, string operation, JsonElement input, Utf8JsonWriter output)
    {
        await context.AuthorizeAsync("cloudtrail:LookupEvents", "*");
        var store = context.RequestServices.GetRequiredService<IAuditStore>();
        await LookupEventsOperation.RunAsync(context.Caller().Account, input, store, output, context.RequestAborted);
    }
}
