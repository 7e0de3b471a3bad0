// SPDX-License-Identifier: Apache-2.0
using Microsoft.Extensions.Logging.Abstractions;
using Nimbus.Core.Storage;
using Nimbus.Storage.Sqlite;

namespace Nimbus.Storage.Tests.Layers;

public sealed class SqliteLayerStoreTests : LayerStoreConformanceTests
{
    private readonly TempDirectory _directory = new();

    protected override (IStateStore Functions, ILayerStore Layers) CreateStores()
    {
        var store = new SqliteStateStore(_directory.Path, TimeProvider.System, NullLogger<SqliteStateStore>.Instance);
        return (store, store);
    }

    protected override ValueTask DisposeStorageAsync()
    {
        _directory.Dispose();
        return ValueTask.CompletedTask;
    }
}
