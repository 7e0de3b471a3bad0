// SPDX-License-Identifier: Apache-2.0
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Nimbus.Core.Storage;
using Nimbus.Storage.Code;
using Nimbus.Storage.Sqlite;

namespace Nimbus.Storage.Tests;

public sealed class StorageServiceCollectionExtensionsTests : IDisposable
{
    private readonly TempDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    [Fact]
    public async Task AddNimbusStorage_MissingDirectory_CreatesItAndPlacesStoresUnderFullPath()
    {
        var services = new ServiceCollection();
        services.AddNimbusStorage();
        services.Configure<StorageOptions>(o => o.DataDirectory = Path.Combine(_directory.Path, "x", "..", "data"));
        await using var provider = services.BuildServiceProvider();

        var database = Assert.IsType<SqliteDatabase>(provider.GetRequiredService<IStoreSchema>());
        Assert.IsType<FileCodeStore>(provider.GetRequiredService<ICodeStore>());
        Assert.IsType<SqliteFunctionStore>(provider.GetRequiredService<IFunctionStore>());
        Assert.IsType<SqliteConcurrencyStore>(provider.GetRequiredService<IConcurrencyStore>());
        Assert.IsType<SqliteProvisionedConcurrencyStore>(provider.GetRequiredService<IProvisionedConcurrencyStore>());
        Assert.IsType<SqliteEventInvokeConfigStore>(provider.GetRequiredService<IEventInvokeConfigStore>());
        Assert.IsType<SqliteEventSourceMappingStore>(provider.GetRequiredService<IEventSourceMappingStore>());
        Assert.IsType<SqliteLayerStore>(provider.GetRequiredService<ILayerStore>());
        Assert.IsType<SqliteQueueStore>(provider.GetRequiredService<IQueueStore>());
        Assert.IsType<SqliteAsyncInvocationStore>(provider.GetRequiredService<IAsyncInvocationStore>());
        Assert.IsType<SqliteLogStore>(provider.GetRequiredService<ILogStore>());
        Assert.IsType<LayerTree>(provider.GetRequiredService<ILayerTree>());

        var data = Path.Combine(_directory.Path, "data");
        Assert.Equal(Path.Combine(data, SqliteDatabase.DatabaseFileName), database.DatabasePath);
        Assert.True(Directory.Exists(Path.Combine(data, "code", "zips")));
        Assert.True(Directory.Exists(Path.Combine(data, "code", "unpacked")));
        Assert.Same(database, provider.GetRequiredService<SqliteDatabase>());
    }

    [Fact]
    public async Task AddNimbusStorage_StoreAlreadyRegistered_KeepsIt()
    {
        using var existing = Sqlite.SqliteStores.OpenDatabase(_directory.Path);
        var services = new ServiceCollection();
        services.AddSingleton<IStoreSchema>(existing);

        services.AddNimbusStorage();
        services.AddNimbusStorage();
        await using var provider = services.BuildServiceProvider();

        Assert.Same(existing, provider.GetRequiredService<IStoreSchema>());
        Assert.Single(services, d => d.ServiceType == typeof(IFunctionStore));
        Assert.Single(services, d => d.ServiceType == typeof(ICodeStore));
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    public void AddNimbusStorage_EmptyDataDirectory_FailsValidation(string directory)
    {
        var services = new ServiceCollection();
        services.AddNimbusStorage();
        services.Configure<StorageOptions>(o => o.DataDirectory = directory);
        using var provider = services.BuildServiceProvider();

        var error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<StorageOptions>>().Value);

        Assert.Contains(nameof(StorageOptions.DataDirectory), error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void StorageOptions_Default_IsDotNimbus()
    {
        Assert.Equal("./.nimbus", new StorageOptions().DataDirectory);
    }
}
