// SPDX-License-Identifier: Apache-2.0
using Nimbus.Core.Storage;
using Nimbus.Storage.Sqlite;
using Nimbus.Storage.Tests.Sqlite;

namespace Nimbus.Storage.Tests.Logs;

public sealed class SqliteLogGroupStoreTests : LogGroupStoreConformanceTests
{
    private readonly TempDirectory _directory = new();

    protected override (IStoreSchema Schema, ILogStore Writer, ILogGroupStore Groups) CreateStores()
    {
        var database = SqliteStores.OpenDatabase(_directory.Path);
        var store = new SqliteLogStore(database);
        return (database, store, store);
    }

    protected override ValueTask DisposeStorageAsync()
    {
        _directory.Dispose();
        return ValueTask.CompletedTask;
    }
}
