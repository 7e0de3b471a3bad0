// SPDX-License-Identifier: Apache-2.0
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Nimbus.Core.Storage;

namespace Nimbus.Api.Code;

/// <summary>Serves the zips behind GetFunction's presigned <c>Code.Location</c>.</summary>
internal static class CodeEndpoints
{
    public static IEndpointRouteBuilder MapCodeEndpoints(this IEndpointRouteBuilder routes)
    {
        routes.MapGet("/_nimbus/code/{id}.zip", Download);
        return routes;
    }

    private static IResult Download(HttpContext context, string id, CodeLocationSigner signer, ICodeStore code)
    {
        var query = context.Request.Query;
        if (!signer.TryValidate(id, query["X-Amz-Expires"], query["X-Amz-Signature"], out var sha))
        {
            // The shape of S3's answer to an expired or forged presigned URL.
            return Results.Text(
                "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>AccessDenied</Code><Message>Request has expired or the signature does not match</Message></Error>",
                "application/xml",
                statusCode: StatusCodes.Status403Forbidden);
        }

        var stream = code.OpenZip(sha);
        return stream is null
            ? Results.Text("<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>NoSuchKey</Code><Message>The specified key does not exist.</Message></Error>", "application/xml", statusCode: StatusCodes.Status404NotFound)
            : Results.Stream(stream, "application/zip");
    }
}
