// SPDX-License-Identifier: Apache-2.0
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Nimbus.Api.Access;
using Nimbus.Api.CloudWatch;
using Nimbus.Api.Audit;
using Nimbus.Api.CloudTrail;
using Nimbus.Api.Code;
using Nimbus.Api.FunctionUrls;
using Nimbus.Api.Lambda;
using Nimbus.Api.Logs;
using Nimbus.Api.Prometheus;
using Nimbus.Api.Queues;
using Nimbus.Api.Registry;
using Nimbus.Api.Ecr;
using Nimbus.Api.Wire;
using Nimbus.Core.Access;
using Nimbus.Core.Access.Credentials;
using Nimbus.Core.Access.Signing;

namespace Nimbus.Api.Hosting;

/// <summary>Registers and maps Nimbus's HTTP API: every service on one endpoint.</summary>
public static class ApiServiceCollectionExtensions
{
    public static IServiceCollection AddNimbusApi(this IServiceCollection services)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<RequestScope>();
        services.TryAddSingleton<CodeLocationSigner>();
        services.TryAddSingleton<CredentialDirectory>();
        services.TryAddSingleton<SigningKeyCache>();
        services.TryAddSingleton<SigV4Verifier>();

        // Every operation asks it (AuthorizationExtensions); it needs an IIdentityPolicySource (IAM's store).
        services.TryAddSingleton<Authorizer>();
        services.TryAddSingleton<FunctionUrlAuthenticator>();
        services.TryAddSingleton<FunctionUrlHandler>();
        services.TryAddSingleton<RegistryTokens>();
        services.AddNimbusPrometheus();
        services.AddOptions<AuditOptions>();
        services.TryAddSingleton<AuditWriter>();
        services.AddHostedService(sp => sp.GetRequiredService<AuditWriter>());
        services.TryAddSingleton<AuditRetentionWorker>();
        services.AddHostedService(sp => sp.GetRequiredService<AuditRetentionWorker>());
        services.ConfigureHttpJsonOptions(options => options.SerializerOptions.TypeInfoResolverChain.Insert(0, ApiJsonContext.Default));
        return services;
    }

    public static WebApplication UseNimbusApi(this WebApplication app)
    {
        app.UseMiddleware<EventThreadMiddleware>();
        app.UseMiddleware<AwsErrorMiddleware>();
        app.UseMiddleware<SigV4AuthenticationMiddleware>();
        app.UseMiddleware<AuditMiddleware>();
        app.UseMiddleware<RegistryMiddleware>();
        app.UseMiddleware<LogsEndpointMiddleware>();
        app.UseMiddleware<CloudTrailEndpointMiddleware>();
        app.UseMiddleware<EcrEndpointMiddleware>();
        app.UseMiddleware<FunctionUrlMiddleware>();
        app.MapGet("/_nimbus/health", () => Results.Json(
            new HealthWire { Status = "ok", Version = typeof(ApiServiceCollectionExtensions).Assembly.GetName().Version?.ToString() ?? "0" },
            ApiJsonContext.Default.HealthWire));
        app.MapFunctionEndpoints();
        app.MapVersionEndpoints();
        app.MapProvisionedConcurrencyEndpoints();
        app.MapEventInvokeEndpoints();
        app.MapMappingEndpoints();
        app.MapInvokeEndpoints();
        app.MapInvokeStreamEndpoints();
        app.MapTagEndpoints();
        app.MapLayerEndpoints();
        app.MapPermissionEndpoints();
        app.MapConcurrencyEndpoints();
        app.MapRuntimeManagementEndpoints();
        app.MapAccountEndpoints();
        app.MapCodeEndpoints();
        app.MapFunctionUrlEndpoints();
        app.MapCloudWatchEndpoints();
        app.MapPrometheusEndpoint();
        app.MapQueryEndpoints();
        app.MapQueueEndpoints();
        app.MapFallback(UnknownOperationAsync);
        return app;
    }

    private static Task UnknownOperationAsync(HttpContext context) => AwsErrorMiddleware.WriteAsync(context, AwsErrorMiddleware.UnknownOperation(context));
}
