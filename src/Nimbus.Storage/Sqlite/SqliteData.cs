// SPDX-License-Identifier: Apache-2.0
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Microsoft.Data.Sqlite;
using Nimbus.Core.Arns;

namespace Nimbus.Storage.Sqlite;

/// <summary>Statement helpers the SQLite stores share (beside <see cref="SqliteDatabase"/>'s connections and transactions).</summary>
internal static class SqliteData
{
    public static string FormatTimestamp(DateTimeOffset timestamp) =>
        timestamp.UtcDateTime.ToString("O", CultureInfo.InvariantCulture);

    public static SqliteCommand CreateCommand(SqliteConnection connection, SqliteTransaction? transaction, string sql)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        command.Transaction = transaction;
        return command;
    }

    public static async Task ExecuteAsync(
        SqliteConnection connection,
        SqliteTransaction? transaction,
        string sql,
        CancellationToken cancellationToken)
    {
        await using var command = CreateCommand(connection, transaction, sql);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>Reads a JSON document column into <typeparamref name="T"/>; a null document is corrupt data.</summary>
    public static T ReadJson<T>(SqliteDataReader reader, int column, JsonTypeInfo<T> type) =>
        JsonSerializer.Deserialize(reader.GetString(column), type)
            ?? throw new InvalidDataException($"A stored {typeof(T).Name} is null.");

    /// <summary>Binds a function's (or layer's) key: <c>@account</c>, <c>@region</c>, <c>@name</c>.</summary>
    public static void AddKey(SqliteCommand command, Scope scope, string name)
    {
        command.Parameters.AddWithValue("@account", scope.Account);
        command.Parameters.AddWithValue("@region", scope.Region);
        command.Parameters.AddWithValue("@name", name);
    }

    /// <summary>Whether the function exists, read inside the caller's transaction.</summary>
    public static async Task<bool> FunctionExistsAsync(SqliteConnection connection, SqliteTransaction transaction, Scope scope, string name, CancellationToken cancellationToken)
    {
        await using var exists = CreateCommand(
            connection,
            transaction,
            "SELECT EXISTS (SELECT 1 FROM functions WHERE account = @account AND region = @region AND name = @name)");
        AddKey(exists, scope, name);
        return await exists.ExecuteScalarAsync(cancellationToken) is long found && found != 0;
    }
}
