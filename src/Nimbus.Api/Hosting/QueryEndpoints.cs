// SPDX-License-Identifier: Apache-2.0
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Nimbus.Api.CloudWatch;
using Nimbus.Api.Iam;
using Nimbus.Api.Queues;
using Nimbus.Core.Access.Iam;
using Nimbus.Core.Errors;

namespace Nimbus.Api.Hosting;

/// <summary>
/// <c>POST /</c>: SQS's JSON protocol (X-Amz-Target) goes to SQS; a query-protocol form goes to the API its Version
/// names (SQS 2012-11-05, IAM 2010-05-08, STS 2011-06-15, CloudWatch 2010-08-01), or without one to the service its credential is scoped to.
/// A form whose Version names another service than its signature's scope is refused, as AWS's endpoints would.
/// </summary>
internal static class QueryEndpoints
{
    /// <summary>The form reader's cap; no query-protocol request of these APIs is larger (SQS's batches are 1 MiB).</summary>
    private const int MaxFormBytes = 4 * 1024 * 1024;

    public static IEndpointRouteBuilder MapQueryEndpoints(this IEndpointRouteBuilder routes)
    {
        routes.MapPost("/", DispatchAsync);
        return routes;
    }

    private static async Task DispatchAsync(HttpContext context)
    {
        var request = context.Request;
        if (CloudWatchProtocol.IsJsonRequest(request))
        {
            await CloudWatchEndpoints.HandleJsonAsync(context);
            return;
        }

        if (!QueryServices.IsForm(request))
        {
            await QueueEndpoints.HandleAsync(context, null);
            return;
        }

        var signed = QueryServices.SigningService(context);
        IFormCollection form;
        try
        {
            if (request.ContentLength > MaxFormBytes)
            {
                throw new InvalidDataException($"Request must be smaller than {MaxFormBytes} bytes.");
            }

            form = await request.ReadFormAsync(context.RequestAborted);
        }
        catch (Exception ex) when (ex is InvalidDataException or BadHttpRequestException || (ex is IOException && !context.RequestAborted.IsCancellationRequested))
        {
            // AWS's common error for a query it cannot read; its wire text is not documented, so the reader's reason is given.
            var message = $"The request's form could not be read: {ex.Message}";
            if (signed is QueryServices.Monitoring)
            {
                await CloudWatchEndpoints.WriteQueryErrorAsync(context, "MalformedQueryString", message, 400);
            }
            else if (signed is QueryServices.Iam or QueryServices.Sts)
            {
                await IamEndpoints.WriteErrorAsync(context, Namespace(signed), new IamException("MalformedQueryString", 400, message));
            }
            else
            {
                await QueueEndpoints.WriteXmlErrorAsync(context, new QueueException("MalformedQueryString", "MalformedQueryString", 400, message));
            }

            return;
        }

        var version = form["Version"].ToString();
        var service = QueryServices.OfVersion(version) ?? signed ?? QueryServices.Sqs;
        if (signed is not null && signed != service)
        {
            // The verifier's text for a credential scoped to another service than the one called.
            var message = $"Credential should be scoped to correct service: '{service}'. ";
            if (service == QueryServices.Sqs)
            {
                await QueueEndpoints.WriteXmlErrorAsync(context, new QueueException("SignatureDoesNotMatch", "SignatureDoesNotMatch", 403, message));
            }
            else if (service == QueryServices.Monitoring)
            {
                await CloudWatchEndpoints.WriteQueryErrorAsync(context, "SignatureDoesNotMatch", message, 403);
            }
            else
            {
                await IamEndpoints.WriteErrorAsync(context, Namespace(service), new IamException("SignatureDoesNotMatch", 403, message));
            }

            return;
        }

        if (service == QueryServices.Sqs)
        {
            await QueueEndpoints.HandleAsync(context, null);
            return;
        }

        var parameters = new Dictionary<string, string>(form.Count, StringComparer.Ordinal);
        foreach (var (key, value) in form)
        {
            parameters[key] = value.ToString();
        }

        if (service == QueryServices.Monitoring)
        {
            await CloudWatchEndpoints.HandleQueryAsync(context, parameters);
            return;
        }

        await IamEndpoints.HandleAsync(context, service, parameters);
    }

    private static string Namespace(string service) => service == QueryServices.Sts ? QueryServices.StsNamespace : QueryServices.IamNamespace;
}
