// SPDX-License-Identifier: Apache-2.0
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Nimbus.Api.Hosting;
using Nimbus.Api.Wire;
using Nimbus.Core.Logs;
using Nimbus.Core.Storage;

namespace Nimbus.Api.Logs;

/// <summary>
/// CloudWatch Logs on the shared endpoint: a POST with <c>X-Amz-Target: Logs_20140328.*</c> is answered here (after
/// authentication), every other request goes on to the routes. Dispatched by header, since Logs and SQS's JSON
/// protocol both post to <c>/</c>.
/// </summary>
internal sealed class LogsEndpointMiddleware(RequestDelegate next) : AwsJsonEndpointMiddleware(next, LogsProtocol.Json)
{
    /// <summary>A PutLogEvents batch is at most 1 MiB of messages; JSON escaping can double it.</summary>
    protected override long MaxRequestBytes => 4 * 1024 * 1024;

    protected override Exception TooLarge(long bytes) =>
        LogsErrors.InvalidParameter($"Upload too large: {bytes} bytes exceeds limit of {LogRules.MaxBatchBytes}");

    protected override AwsJsonError? Describe(Exception error) =>
        error is LogsException logs ? new AwsJsonError(logs.ErrorType, logs.Message, logs.StatusCode) : null;

    protected override Task RunAsync(HttpContext context, string operation, JsonElement input, Utf8JsonWriter output)
    {
        var call = new LogsCall
        {
            Context = context,
            Input = input,
            Output = output,
            Scope = context.RequestServices.GetRequiredService<RequestScope>().For(context.Request),
            Store = context.RequestServices.GetRequiredService<ILogGroupStore>(),
            Time = context.RequestServices.GetRequiredService<TimeProvider>(),
        };
        return LogsOperations.RunAsync(operation, call);
    }
}
