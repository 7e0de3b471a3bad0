// SPDX-License-Identifier: Apache-2.0
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Nimbus.Api.Access;
using Nimbus.Api.Hosting;
using Nimbus.Api.Wire;
using Nimbus.Core.Functions;

namespace Nimbus.Api.Lambda;

/// <summary>GetAccountSettings (API version 2016-08-19).</summary>
internal static class AccountEndpoints
{
    public static IEndpointRouteBuilder MapAccountEndpoints(this IEndpointRouteBuilder routes)
    {
        routes.MapGet("/2016-08-19/account-settings", GetAsync);
        return routes;
    }

    private static async Task<IResult> GetAsync(HttpContext context, FunctionService functions, RequestScope scopes)
    {
        await context.AuthorizeAsync(LambdaActions.GetAccountSettings, "*");
        var settings = await functions.GetAccountSettingsAsync(scopes.For(context.Request), context.RequestAborted);
        var response = new GetAccountSettingsResponseWire
        {
            AccountLimit = new AccountLimitWire
            {
                TotalCodeSize = settings.TotalCodeSizeLimit,
                CodeSizeUnzipped = settings.CodeSizeUnzipped,
                CodeSizeZipped = settings.CodeSizeZipped,
                ConcurrentExecutions = settings.ConcurrentExecutions,
                UnreservedConcurrentExecutions = settings.UnreservedConcurrentExecutions,
            },
            AccountUsage = new AccountUsageWire { TotalCodeSize = settings.TotalCodeSize, FunctionCount = settings.FunctionCount },
        };
        return Results.Json(response, ApiJsonContext.Default.GetAccountSettingsResponseWire);
    }
}
