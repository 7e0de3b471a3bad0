// SPDX-License-Identifier: Apache-2.0
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Nimbus.Api.Hosting;
using Nimbus.Api.Logs;
using Nimbus.Core.Access;
using Nimbus.Core.Images;

namespace Nimbus.Api.Ecr;

/// <summary>
/// The Amazon ECR API subset on the shared endpoint (AWS JSON 1.1, <c>X-Amz-Target: AmazonEC2ContainerRegistry_V20150921.*</c>),
/// after authentication; every other request goes on to the routes.
/// </summary>
internal sealed class EcrEndpointMiddleware(RequestDelegate next)
{
    public const string TargetPrefix = "AmazonEC2ContainerRegistry_V20150921.";

    private const long MaxRequestBytes = 1024 * 1024;

    public async Task InvokeAsync(HttpContext context)
    {
        var target = context.Request.Headers["X-Amz-Target"].ToString();
        if (!HttpMethods.IsPost(context.Request.Method) || !target.StartsWith(TargetPrefix, StringComparison.Ordinal))
        {
            await next(context);
            return;
        }

        try
        {
            await HandleAsync(context, target[TargetPrefix.Length..]);
        }
        catch (EcrException error)
        {
            await LogsProtocol.WriteErrorAsync(context, error.ErrorType, error.Message, error.StatusCode);
        }
        catch (AccessDeniedException denied)
        {
            // ECR's JSON protocol answers a denial as a client error (400).
            await LogsProtocol.WriteErrorAsync(context, AccessDeniedException.ErrorType, denied.Message, StatusCodes.Status400BadRequest);
        }
    }

    private static async Task HandleAsync(HttpContext context, string operation)
    {
        if (context.Request.ContentLength > MaxRequestBytes)
        {
            throw EcrErrors.InvalidParameter("The request is too large.");
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
            throw new EcrException("SerializationException", "The request body is not valid JSON.");
        }

        using (document)
        {
            var buffer = new System.Buffers.ArrayBufferWriter<byte>(512);
            await using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
            {
                var call = new EcrCall
                {
                    Context = context,
                    Input = document.RootElement,
                    Output = json,
                    Scope = context.RequestServices.GetRequiredService<RequestScope>().For(context.Request),
                    Registry = context.RequestServices.GetRequiredService<ImageRegistry>(),
                };
                call.CheckRegistryId();
                await EcrOperations.RunAsync(operation, call);
            }

            var response = context.Response;
            response.StatusCode = StatusCodes.Status200OK;
            response.ContentType = LogsProtocol.ContentType;
            response.ContentLength = buffer.WrittenCount;
            await response.Body.WriteAsync(buffer.WrittenMemory, context.RequestAborted);
        }
    }
}
