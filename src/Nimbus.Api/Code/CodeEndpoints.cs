// SPDX-License-Identifier: Apache-2.0
using System.Security;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Nimbus.Api.Hosting;
using Nimbus.Core.Storage;

namespace Nimbus.Api.Code;

/// <summary>Serves the zips behind the presigned <c>Code.Location</c> URLs, answering refusals as S3 does (XML).</summary>
internal static class CodeEndpoints
{
    public static IEndpointRouteBuilder MapCodeEndpoints(this IEndpointRouteBuilder routes)
    {
        routes.MapGet(CodeLocationSigner.PathPrefix + "{id}.zip", Download);
        return routes;
    }

    private static IResult Download(HttpContext context, string id, CodeLocationSigner signer, ICodeStore code)
    {
        var verdict = signer.Verify(context.Request, id, out var sha);
        if (verdict != CodeLocationVerdict.Valid)
        {
            var (status, errorCode, message) = Refusal(verdict);
            return S3Error(context, status, errorCode, message);
        }

        var stream = code.OpenZip(sha);
        return stream is null
            ? S3Error(context, StatusCodes.Status404NotFound, "NoSuchKey", "The specified key does not exist.")
            : Results.Stream(stream, "application/zip");
    }

    /// <summary>S3's status, code and message for a presigned URL it refuses.</summary>
    internal static (int Status, string Code, string Message) Refusal(CodeLocationVerdict verdict) => verdict switch
    {
        CodeLocationVerdict.Expired => (StatusCodes.Status403Forbidden, "AccessDenied", "Request has expired"),
        CodeLocationVerdict.SignatureDoesNotMatch => (StatusCodes.Status403Forbidden, "SignatureDoesNotMatch", "The request signature we calculated does not match the signature you provided. Check your key and signing method."),
        CodeLocationVerdict.UnknownAccessKey => (StatusCodes.Status403Forbidden, "InvalidAccessKeyId", "The AWS Access Key Id you provided does not exist in our records."),
        _ => (StatusCodes.Status400BadRequest, "AuthorizationQueryParametersError", "Query-string authentication version 4 requires the X-Amz-Algorithm, X-Amz-Credential, X-Amz-Signature, X-Amz-Date, X-Amz-SignedHeaders, and X-Amz-Expires parameters."),
    };

    private static IResult S3Error(HttpContext context, int status, string code, string message)
    {
        var requestId = AwsErrorMiddleware.RequestIdOf(context);
        return Results.Text(
            $"<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>{code}</Code><Message>{SecurityElement.Escape(message)}</Message><RequestId>{requestId}</RequestId></Error>",
            "application/xml",
            statusCode: status);
    }
}
