// SPDX-License-Identifier: Apache-2.0
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Nimbus.Events.Async;
using Nimbus.Events.Invocations;
using Nimbus.Events.Mappings;
using Nimbus.Events.Provisioned;

namespace Nimbus.Events;

/// <summary>Registers the invoke path and the asynchronous invocation queue.</summary>
public static class EventsServiceCollectionExtensions
{
    public static IServiceCollection AddNimbusEvents(this IServiceCollection services)
    {
        services.AddOptions<AsyncInvokeOptions>();
        services.TryAddSingleton<AsyncInvocationWorker>();
        services.AddHostedService(sp => sp.GetRequiredService<AsyncInvocationWorker>());
        services.TryAddSingleton<InvokeService>();
        services.AddHostedService<ProvisionedConcurrencyWorker>();
        services.TryAddSingleton<EventSourceMappingService>();
        services.AddHostedService<EventSourceMappingWorker>();
        return services;
    }
}
