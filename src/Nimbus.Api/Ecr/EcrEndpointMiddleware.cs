// SPDX-License-Identifier: Apache-2.0
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Nimbus.Api.Hosting;
using Nimbus.Api.Wire;
using Nimbus.Core.Images;

namespace Nimbus.Api.Ecr;

/// <summary>
/// The Amazon ECR API subset on the shared endpoint (AWS JSON 1.1, <c>X-Amz-Target: AmazonEC2ContainerRegistry_V20150921.*</c>),
/// after authentication; every other request goes on to the routes.
/// </summary>
internal sealed class EcrEndpointMiddleware(RequestDelegate next) : AwsJsonEndpointMiddleware(next, Json)
{
    public const string TargetPrefix = "AmazonEC2ContainerRegistry_V20150921.";

    public static readonly AwsJsonProtocol Json = new(TargetPrefix, AwsJsonProtocol.Json11);

    protected override long MaxRequestBytes => 1024 * 1024;

    protected override Exception TooLarge(long bytes) => EcrErrors.InvalidParameter("The request is too large.");

    protected override AwsJsonError? Describe(Exception error) =>
        error is EcrException ecr ? new AwsJsonError(ecr.ErrorType, ecr.Message, ecr.StatusCode) : null;

    protected override Task RunAsync(HttpContext context, string operation, JsonElement input, Utf8JsonWriter output)
    {
        var call = new EcrCall
        {
            Context = context,
            Input = input,
            Output = output,
            Scope = context.RequestServices.GetRequiredService<RequestScope>().For(context.Request),
            Registry = context.RequestServices.GetRequiredService<ImageRegistry>(),
        };
        call.CheckRegistryId();
        return EcrOperations.RunAsync(operation, call);
    }
}
