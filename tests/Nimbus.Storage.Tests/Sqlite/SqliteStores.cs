// SPDX-License-Identifier: Apache-2.0
using Microsoft.Extensions.Logging.Abstractions;
using Nimbus.Storage.Sqlite;

namespace Nimbus.Storage.Tests.Sqlite;

/// <summary>Every SQLite store over one new <see cref="SqliteDatabase"/> in <paramref name="directory"/>, not yet migrated.</summary>
internal static class SqliteStores
{
    public static SqliteDatabase OpenDatabase(string directory) =>
        new(directory, TimeProvider.System, NullLogger<SqliteDatabase>.Instance);

    public static StoreSet Open(string directory)
    {
        var database = OpenDatabase(directory);
        return new StoreSet(
            database,
            new SqliteFunctionStore(database),
            new SqliteConcurrencyStore(database),
            new SqliteProvisionedConcurrencyStore(database),
            new SqliteEventInvokeConfigStore(database),
            new SqliteEventSourceMappingStore(database),
            new SqliteAsyncInvocationStore(database),
            new SqliteLogStore(database),
            database,
            new SqliteFunctionPolicyStore(database));
    }
}
