// SPDX-License-Identifier: Apache-2.0
using Microsoft.Extensions.Logging.Abstractions;
using Nimbus.Core.Storage;
using Nimbus.Storage.Sqlite;

namespace Nimbus.Storage.Tests.Sqlite;

public sealed class SqliteQueueStoreTests : QueueStoreConformanceTests
{
    private readonly TempDirectory _directory = new();
    private SqliteStateStore? _open;

    protected override async Task<IQueueStore> OpenAsync()
    {
        _open = new SqliteStateStore(_directory.Path, TimeProvider.System, NullLogger<SqliteStateStore>.Instance);
        await _open.MigrateAsync(Token);
        return _open;
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
