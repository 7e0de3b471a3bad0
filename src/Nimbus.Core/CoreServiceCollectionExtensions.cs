// SPDX-License-Identifier: Apache-2.0
using Microsoft.Extensions.DependencyInjection.Extensions;
using Nimbus.Core.Functions;
using Nimbus.Core.FunctionUrls;
using Nimbus.Core.Layers;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers Nimbus's control-plane services: the rules over the stores, one service per aggregate.</summary>
public static class CoreServiceCollectionExtensions
{
    /// <summary>
    /// Adds <see cref="FunctionService"/>, <see cref="VersionService"/>, <see cref="ConcurrencyService"/>,
    /// <see cref="EventInvokeConfigService"/>, <see cref="QualifierResolver"/> and <see cref="LayerService"/> as
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
        return services;
    }
}
