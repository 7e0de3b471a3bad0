// SPDX-License-Identifier: Apache-2.0
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Nimbus.Events.Async;
using Nimbus.Events.Invocations;
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
        services.TryAddSingleton<InvokeService>();
        services.AddHostedService<ProvisionedConcurrencyWorker>();
        services.TryAddSingleton<QueueService>();
        services.AddHostedService<QueueRetentionWorker>();
        return services;
    }
}
