// SPDX-License-Identifier: Apache-2.0
using System.Globalization;
using System.Text;
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

    /// <summary>
    /// One INSERT of <paramref name="rows"/> rows into <paramref name="into"/> (<c>table (col, ...)</c>), its parameters
    /// positional, row after row, typed by <paramref name="types"/>: one statement for many rows (each statement's
    /// step, reset and parameter lookups cost about as much as a row).
    /// </summary>
    public static SqliteCommand MultiRowInsert(SqliteConnection connection, SqliteTransaction? transaction, string into, ReadOnlySpan<SqliteType> types, int rows)
    {
        var command = CreateCommand(connection, transaction, string.Empty);
        var sql = new StringBuilder("INSERT INTO ", 32 + into.Length + (rows * types.Length * 7)).Append(into).Append(" VALUES ");
        for (var i = 0; i < rows; i++)
        {
            sql.Append(i == 0 ? "(" : ", (");
            for (var c = 0; c < types.Length; c++)
            {
                var name = string.Create(CultureInfo.InvariantCulture, $"@p{(i * types.Length) + c}");
                sql.Append(c == 0 ? string.Empty : ", ").Append(name);
                command.Parameters.Add(name, types[c]);
            }

            sql.Append(')');
        }

        command.CommandText = sql.ToString();
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
