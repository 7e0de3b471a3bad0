// SPDX-License-Identifier: Apache-2.0
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Nimbus.Core.Metrics;
using Nimbus.Events.Async;
using Nimbus.Events.Mappings;
using Nimbus.Events.Provisioned;
using Nimbus.Events.Queues;

namespace Nimbus.Events;

/// <summary>Registers the invoke path, the asynchronous invocation queue and the built-in queues.</summary>
public static class EventsServiceCollectionExtensions
{
    public static IServiceCollection AddNimbusEvents(this IServiceCollection services)
    {
        services.AddOptions<AsyncInvokeOptions>();
        services.TryAddSingleton<AsyncInvocationWorker>();
        services.AddHostedService(sp => sp.GetRequiredService<AsyncInvocationWorker>());
        services.TryAddSingleton<AsyncInvokeService>();
        services.AddHostedService<ProvisionedConcurrencyWorker>();
        services.TryAddSingleton<EventSourceMappingService>();
        services.AddHostedService<EventSourceMappingWorker>();
        services.TryAddSingleton<QueueService>();
        services.TryAddSingleton<QueueGauges>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IMetricGaugeSource, QueueGauges>(sp => sp.GetRequiredService<QueueGauges>()));
        services.TryAddSingleton<QueueBridge>();
        services.TryAddSingleton<IQueueDestination>(sp => sp.GetRequiredService<QueueBridge>());
        services.TryAddSingleton<IQueueSource>(sp => sp.GetRequiredService<QueueBridge>());
        services.AddHostedService<QueueRetentionWorker>();
        return services;
    }
}
