// SPDX-License-Identifier: Apache-2.0
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Nimbus.Core.Storage;
using Nimbus.Events.Queues;
using Nimbus.Storage;

namespace Nimbus.Events.Tests.Queues;

/// <summary>A <see cref="QueueService"/> over the real SQLite store in a temporary data directory.</summary>
internal sealed class QueueHarness : IAsyncDisposable
{
    private readonly ServiceProvider _services;
    private readonly string _directory;

    private QueueHarness(ServiceProvider services, string directory, QueueService queues)
    {
        _services = services;
        _directory = directory;
        Queues = queues;
    }

    public QueueService Queues { get; }

    public static async Task<QueueHarness> StartAsync(TimeProvider timeProvider)
    {
        var directory = Directory.CreateTempSubdirectory("nimbus-events-tests-").FullName;
        var services = new ServiceCollection()
            .AddSingleton(timeProvider)
            .AddNimbusStorage()
            .Configure<StorageOptions>(options => options.DataDirectory = directory)
            .BuildServiceProvider();
        await services.GetRequiredService<IStoreSchema>().MigrateAsync(TestContext.Current.CancellationToken);
        var queues = new QueueService(services.GetRequiredService<IQueueStore>(), timeProvider, NullLogger<QueueService>.Instance);
        return new QueueHarness(services, directory, queues);
    }

    public async ValueTask DisposeAsync()
    {
        await _services.DisposeAsync();
        Directory.Delete(_directory, recursive: true);
    }
}
