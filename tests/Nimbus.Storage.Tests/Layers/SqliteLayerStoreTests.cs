// SPDX-License-Identifier: Apache-2.0
using Nimbus.Core.Storage;
using Nimbus.Storage.Sqlite;
using Nimbus.Storage.Tests.Sqlite;

namespace Nimbus.Storage.Tests.Layers;

public sealed class SqliteLayerStoreTests : LayerStoreConformanceTests
{
    private readonly TempDirectory _directory = new();

    protected override (IStoreSchema Schema, IFunctionStore Functions, ILayerStore Layers) CreateStores()
    {
        var database = SqliteStores.OpenDatabase(_directory.Path);
        return (database, new SqliteFunctionStore(database), new SqliteLayerStore(database));
    }

    protected override ValueTask DisposeStorageAsync()
    {
        _directory.Dispose();
        return ValueTask.CompletedTask;
    }
}
