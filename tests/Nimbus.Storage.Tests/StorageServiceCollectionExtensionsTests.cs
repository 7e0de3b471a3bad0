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

        var stateStore = Assert.IsType<SqliteStateStore>(provider.GetRequiredService<IStateStore>());
        Assert.IsType<FileCodeStore>(provider.GetRequiredService<ICodeStore>());

        var data = Path.Combine(_directory.Path, "data");
        Assert.Equal(Path.Combine(data, SqliteStateStore.DatabaseFileName), stateStore.DatabasePath);
        Assert.True(Directory.Exists(Path.Combine(data, "code", "zips")));
        Assert.True(Directory.Exists(Path.Combine(data, "code", "unpacked")));
        Assert.Same(stateStore, provider.GetRequiredService<IStateStore>());
    }

    [Fact]
    public async Task AddNimbusStorage_StoreAlreadyRegistered_KeepsIt()
    {
        var existing = new SqliteStateStore(_directory.Path, TimeProvider.System, Microsoft.Extensions.Logging.Abstractions.NullLogger<SqliteStateStore>.Instance);
        var services = new ServiceCollection();
        services.AddSingleton<IStateStore>(existing);

        services.AddNimbusStorage();
        services.AddNimbusStorage();
        await using var provider = services.BuildServiceProvider();

        Assert.Same(existing, provider.GetRequiredService<IStateStore>());
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
