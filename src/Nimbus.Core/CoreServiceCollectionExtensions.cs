// SPDX-License-Identifier: Apache-2.0
using Microsoft.Extensions.DependencyInjection.Extensions;
using Nimbus.Core.Access;
using Nimbus.Core.Access.Credentials;
using Nimbus.Core.Access.Iam;
using Nimbus.Core.Access.Identity;
using Nimbus.Core.Functions;
using Nimbus.Core.FunctionUrls;
using Nimbus.Core.Layers;
using Nimbus.Core.Metrics;
using Nimbus.Core.Permissions;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers Nimbus's control-plane services: the rules over the stores, one service per aggregate.</summary>
public static class CoreServiceCollectionExtensions
{
    /// <summary>
    /// Adds <see cref="FunctionService"/>, <see cref="VersionService"/>, <see cref="ConcurrencyService"/>,
    /// <see cref="EventInvokeConfigService"/>, <see cref="QualifierResolver"/>, <see cref="LayerService"/>,
    /// <see cref="FunctionPolicyService"/> (also as <see cref="IFunctionPolicySource"/>), and IAM's
    /// (<see cref="IamService"/>, <see cref="StsService"/>, <see cref="IamDirectory"/> as IIdentityPolicySource and
    /// IRoleDirectory, the <see cref="Authorizer"/>) as
    /// singletons, unless already registered, with <see cref="FunctionServiceOptions"/>' defaults when the caller
    /// registered none. They need the stores (AddNimbusStorage) and an <c>IRuntimeRegistry</c>.
    /// </summary>
    public static IServiceCollection AddNimbusCore(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);

        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(new FunctionServiceOptions());
        services.TryAddSingleton<QualifierResolver>();
        services.TryAddSingleton<ConcurrencyService>();
        services.TryAddSingleton<FunctionService>();
        services.TryAddSingleton<VersionService>();
        services.TryAddSingleton<EventInvokeConfigService>();
        services.TryAddSingleton<LayerService>();
        services.TryAddSingleton<FunctionUrlService>();
        services.TryAddSingleton<FunctionPolicyService>();
        services.TryAddSingleton<IFunctionPolicySource>(sp => sp.GetRequiredService<FunctionPolicyService>());
        AddIdentity(services);

        // Metrics: the recorder the invoke path calls, and reads over it and the metric store.
        services.TryAddSingleton(sp => new MetricsAggregator(sp.GetRequiredService<TimeProvider>()));
        services.TryAddSingleton<IMetricsRecorder>(sp => sp.GetRequiredService<MetricsAggregator>());
        services.TryAddSingleton<MetricsService>();
        return services;
    }

    /// <summary>IAM and STS over the identity store: the policy source and role directory the authorizer and Lambda use.</summary>
    private static void AddIdentity(IServiceCollection services)
    {
        services.TryAddSingleton<CredentialDirectory>();
        services.TryAddSingleton<IamDirectory>();
        services.TryAddSingleton<IIdentityPolicySource>(sp => sp.GetRequiredService<IamDirectory>());
        services.TryAddSingleton<IRoleDirectory>(sp => sp.GetRequiredService<IamDirectory>());
        services.TryAddSingleton<Authorizer>();
        services.TryAddSingleton<IamService>();
        services.TryAddSingleton<StsService>();
    }
}
