// SPDX-License-Identifier: Apache-2.0
using Nimbus.Core.Storage;
using Nimbus.Storage.Sqlite;

namespace Nimbus.Storage.Tests.Sqlite;

public sealed class SqliteQueueStoreTests : QueueStoreConformanceTests
{
    private readonly TempDirectory _directory = new();
    private SqliteDatabase? _open;

    protected override async Task<IQueueStore> OpenAsync()
    {
        _open = SqliteStores.OpenDatabase(_directory.Path);
        await _open.MigrateAsync(Token);
        return new SqliteQueueStore(_open);
    }

    protected override ValueTask CloseAsync()
    {
        _open?.Dispose();
        _open = null;
        return ValueTask.CompletedTask;
    }

    protected override ValueTask DisposeStorageAsync()
    {
        _directory.Dispose();
        return ValueTask.CompletedTask;
    }
}
