// SPDX-License-Identifier: Apache-2.0
using System.Buffers;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Nimbus.Core.Access;

namespace Nimbus.Api.Wire;

/// <summary>
/// An API in an AWS JSON protocol on the shared endpoint: a POST whose <c>X-Amz-Target</c> has the protocol's prefix is
/// answered here (after authentication), every other request goes on. The body is read as one JSON document, the
/// operation writes its answer, and its errors (the service's exceptions, and denials as a 400 client error, as the
/// JSON 1.1 services answer them) go back in the protocol's shape.
/// </summary>
internal abstract class AwsJsonEndpointMiddleware(RequestDelegate next, AwsJsonProtocol protocol)
{
    /// <summary>AWS's JSON services answer SerializationException for a body that is not JSON; the text is ours.</summary>
    private static readonly AwsJsonError s_notJson = new("SerializationException", "The request body is not valid JSON.");

    protected AwsJsonProtocol Protocol { get; } = protocol;

    /// <summary>The largest body the API reads.</summary>
    protected abstract long MaxRequestBytes { get; }

    // Another API's request passes on without a state machine of this method's (a box per request and middleware).
    public Task InvokeAsync(HttpContext context) =>
        HttpMethods.IsPost(context.Request.Method) && Protocol.IsRequest(context.Request) ? ServeRequestAsync(context) : next(context);

    private async Task ServeRequestAsync(HttpContext context)
    {
        try
        {
            await ServeAsync(context, Protocol.Operation(context.Request));
        }
        catch (AccessDeniedException denied)
        {
            await Protocol.WriteErrorAsync(context, new AwsJsonError(AccessDeniedException.ErrorType, denied.Message));
        }
        catch (AwsJsonErrorException error)
        {
            await Protocol.WriteErrorAsync(context, error.Error);
        }
        catch (Exception error) when (Describe(error) is { } described)
        {
            await Protocol.WriteErrorAsync(context, described);
        }
    }

    /// <summary>The answer to an operation this API does not serve, checked before the body is read (null: every name goes to <see cref="RunAsync"/>).</summary>
    protected virtual Exception? Unknown(string operation) => null;

    /// <summary>The error a body over <see cref="MaxRequestBytes"/> is refused with.</summary>
    protected abstract Exception TooLarge(long bytes);

    /// <summary>The service's own exceptions as protocol errors; null for any other exception (it goes on up).</summary>
    protected abstract AwsJsonError? Describe(Exception error);

    /// <summary>Runs one operation on its input, writing its answer's JSON.</summary>
    protected abstract Task RunAsync(HttpContext context, string operation, JsonElement input, Utf8JsonWriter output);

    private async Task ServeAsync(HttpContext context, string operation)
    {
        if (Unknown(operation) is { } unknown)
        {
            throw unknown;
        }

        if (context.Request.ContentLength is { } length && length > MaxRequestBytes)
        {
            throw TooLarge(length);
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
            throw new AwsJsonErrorException(s_notJson);
        }

        using (document)
        {
            var buffer = new ArrayBufferWriter<byte>(512);
            await using (var json = AwsJsonProtocol.Writer(buffer))
            {
                await RunAsync(context, operation, document.RootElement, json);
            }

            await Protocol.WriteResultAsync(context, buffer);
        }
    }
}
