// SPDX-License-Identifier: Apache-2.0
using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Nimbus.Api.Hosting;
using Nimbus.Api.Wire;
using Nimbus.Core.Access;
using Nimbus.Core.Access.Iam;

namespace Nimbus.Api.Iam;

/// <summary>
/// IAM (2010-05-08) and STS (2011-06-15) in AWS's query protocol, as boto3's <c>iam</c> and <c>sts</c> clients and
/// <c>aws iam</c>/<c>aws sts</c> send it: a form posted to <c>/</c> with Action and Version, answered with XML in the
/// service's namespace (<c>&lt;ActionResponse&gt;&lt;ActionResult&gt;…&lt;ResponseMetadata&gt;</c>), errors as
/// <c>&lt;ErrorResponse&gt;</c> with the error's code and AWS's message.
/// </summary>
internal static class IamEndpoints
{
    public static async Task HandleAsync(HttpContext context, string service, IReadOnlyDictionary<string, string> parameters)
    {
        var action = parameters.TryGetValue("Action", out var named) ? named : null;
        var xmlNamespace = service == QueryServices.Sts ? QueryServices.StsNamespace : QueryServices.IamNamespace;
        if (string.IsNullOrEmpty(action))
        {
            // AWS's common error for a request without an Action.
            await WriteErrorAsync(context, xmlNamespace, new IamException("MissingAction", 400, "The request is missing an action or a required parameter."));
            return;
        }

        var operation = service == QueryServices.Sts ? StsOperations.Find(action) : IamOperations.Find(action);
        if (operation is null)
        {
            var version = service == QueryServices.Sts ? QueryServices.StsVersion : QueryServices.IamVersion;
            await WriteErrorAsync(context, xmlNamespace, new IamException("InvalidAction", 400, $"Could not find operation {action} for version {version}"));
            return;
        }

        var xml = new StringBuilder(512);
        xml.Append("<?xml version=\"1.0\"?><").Append(action).Append("Response xmlns=\"").Append(xmlNamespace).Append("\">");
        var resultStart = xml.Length;
        xml.Append('<').Append(action).Append("Result>");
        var bodyStart = xml.Length;
        try
        {
            await operation(new IamCall
            {
                Context = context,
                Parameters = parameters,
                Output = new QueryXml(xml),
                Iam = context.RequestServices.GetRequiredService<IamService>(),
            });
        }
        catch (IamException error)
        {
            await WriteErrorAsync(context, xmlNamespace, error);
            return;
        }
        catch (AccessDeniedException denied)
        {
            await WriteErrorAsync(context, xmlNamespace, new IamException(AccessDeniedException.QueryCode, AccessDeniedException.StatusCode, denied.Message));
            return;
        }

        if (xml.Length == bodyStart)
        {
            xml.Length = resultStart; // operations without output answer only their metadata
        }
        else
        {
            xml.Append("</").Append(action).Append("Result>");
        }

        xml.Append("<ResponseMetadata><RequestId>").Append(RequestId(context)).Append("</RequestId></ResponseMetadata></").Append(action).Append("Response>");
        context.Response.StatusCode = StatusCodes.Status200OK;
        context.Response.ContentType = "text/xml";
        await context.Response.WriteAsync(xml.ToString(), context.RequestAborted);
    }

    public static async Task WriteErrorAsync(HttpContext context, string xmlNamespace, IamException error)
    {
        var response = context.Response;
        if (response.HasStarted)
        {
            return;
        }

        var xml = new StringBuilder(256);
        xml.Append("<?xml version=\"1.0\"?><ErrorResponse xmlns=\"").Append(xmlNamespace).Append("\"><Error><Type>")
            .Append(error.SenderFault ? "Sender" : "Receiver").Append("</Type><Code>");
        XmlText.Escape(xml, error.Code);
        xml.Append("</Code><Message>");
        XmlText.Escape(xml, error.Message);
        xml.Append("</Message></Error><RequestId>").Append(RequestId(context)).Append("</RequestId></ErrorResponse>");
        Audit.AuditEntry.NoteError(context, error.Code, error.Message);
        response.StatusCode = error.StatusCode;
        response.ContentType = "text/xml";
        await response.WriteAsync(xml.ToString(), context.RequestAborted);
    }

    private static string RequestId(HttpContext context) =>
        AwsErrorMiddleware.RequestIdOf(context);
}
