// SPDX-License-Identifier: Apache-2.0
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Nimbus.Core.Errors;

namespace Nimbus.Api.Lambda;

/// <summary>Reads a JSON request body with a size limit, answering AWS's 413 when it is exceeded.</summary>
internal static class RequestBody
{
    /// <summary>Ordinary control-plane requests are small; this bounds what a bad client can make us buffer.</summary>
    public const long DefaultLimit = 1024 * 1024;

    public static async Task<T> ReadAsync<T>(HttpRequest request, JsonTypeInfo<T> type, long limit, string operation, CancellationToken cancellationToken)
        where T : class
    {
        if (request.ContentLength > limit)
        {
            throw LambdaErrors.RequestEntityTooLarge(limit, operation);
        }

        if (request.HttpContext.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } feature)
        {
            feature.MaxRequestBodySize = limit;
        }

        try
        {
            if (request.ContentLength == 0)
            {
                throw new JsonException("the body is empty");
            }

            return await JsonSerializer.DeserializeAsync(request.Body, type, cancellationToken)
                ?? throw new JsonException("the body is null");
        }
        catch (BadHttpRequestException ex) when (ex.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            throw LambdaErrors.RequestEntityTooLarge(limit, operation);
        }
    }
}
