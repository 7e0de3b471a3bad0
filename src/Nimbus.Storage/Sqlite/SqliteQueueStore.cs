// SPDX-License-Identifier: Apache-2.0
using System.Text.Json;
using Microsoft.Data.Sqlite;
using Nimbus.Core.Arns;
using Nimbus.Core.Queues;
using Nimbus.Core.Storage;
using static Nimbus.Storage.Sqlite.SqliteData;

namespace Nimbus.Storage.Sqlite;

internal sealed partial class SqliteQueueStore(SqliteDatabase db) : IQueueStore
{
    private const string QueueColumns = "id, account, region, name, attributes, tags, created_at, modified_at";

    public async Task<QueueRecord?> GetQueueAsync(Scope scope, string name, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(scope);
        await using var connection = await db.OpenReadConnectionAsync(cancellationToken);
        return await GetQueueAsync(connection, null, scope, name, cancellationToken);
    }

    public async Task<QueueRecord> CreateQueueAsync(QueueRecord queue, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(queue);
        return await db.WriteAsync(
            async (connection, transaction, ct) =>
            {
                if (await GetQueueAsync(connection, transaction, queue.Scope, queue.Name, ct) is { } existing)
                {
                    return existing;
                }

                await using var command = CreateCommand(
                    connection,
                    transaction,
                    """
                    INSERT INTO queues (account, region, name, attributes, tags, created_at, modified_at)
                    VALUES (@account, @region, @name, @attributes, @tags, @createdAt, @modifiedAt)
                    RETURNING id
                    """);
                command.Parameters.AddWithValue("@account", queue.Scope.Account);
                command.Parameters.AddWithValue("@region", queue.Scope.Region);
                command.Parameters.AddWithValue("@name", queue.Name);
                AddQueueDocuments(command, queue);
                command.Parameters.AddWithValue("@createdAt", queue.CreatedAt.ToUnixTimeMilliseconds());
                var id = (long)(await command.ExecuteScalarAsync(ct))!; // RETURNING id always yields the new row's id
                return queue with { Id = id };
            },
            cancellationToken);
    }

    public async Task<IReadOnlyList<QueueRecord>> ListQueuesAsync(Scope scope, string? prefix, string? afterName, int limit, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(scope);
        await using var connection = await db.OpenReadConnectionAsync(cancellationToken);
        await using var command = CreateCommand(
            connection,
            transaction: null,
            $"""
            SELECT {QueueColumns} FROM queues
            WHERE account = @account AND region = @region AND name > @after AND substr(name, 1, length(@prefix)) = @prefix
            ORDER BY name LIMIT @limit
            """);
        command.Parameters.AddWithValue("@account", scope.Account);
        command.Parameters.AddWithValue("@region", scope.Region);
        command.Parameters.AddWithValue("@after", afterName ?? string.Empty);
        command.Parameters.AddWithValue("@prefix", prefix ?? string.Empty);
        command.Parameters.AddWithValue("@limit", limit);
        var queues = new List<QueueRecord>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            queues.Add(ReadQueue(reader));
        }

        return queues;
    }

    public async Task<bool> UpdateQueueAsync(QueueRecord queue, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(queue);
        return await db.WriteAsync(
            async (connection, transaction, ct) =>
            {
                await using var command = CreateCommand(
                    connection,
                    transaction,
                    "UPDATE queues SET attributes = @attributes, tags = @tags, modified_at = @modifiedAt WHERE id = @id");
                command.Parameters.AddWithValue("@id", queue.Id);
                AddQueueDocuments(command, queue);
                return await command.ExecuteNonQueryAsync(ct) == 1;
            },
            cancellationToken);
    }

    public async Task<bool> DeleteQueueAsync(long queueId, CancellationToken cancellationToken)
    {
        return await db.WriteAsync(
            async (connection, transaction, ct) =>
            {
                await using var queue = CreateCommand(connection, transaction, "DELETE FROM queues WHERE id = @id");
                queue.Parameters.AddWithValue("@id", queueId);
                if (await queue.ExecuteNonQueryAsync(ct) == 0)
                {
                    return false;
                }

                await using var contents = CreateCommand(
                    connection,
                    transaction,
                    "DELETE FROM queue_messages WHERE queue_id = @id; DELETE FROM queue_dedup WHERE queue_id = @id;");
                contents.Parameters.AddWithValue("@id", queueId);
                await contents.ExecuteNonQueryAsync(ct);
                return true;
            },
            cancellationToken);
    }

    private static async Task<QueueRecord?> GetQueueAsync(
        SqliteConnection connection,
        SqliteTransaction? transaction,
        Scope scope,
        string name,
        CancellationToken cancellationToken)
    {
        await using var command = CreateCommand(
            connection,
            transaction,
            $"SELECT {QueueColumns} FROM queues WHERE account = @account AND region = @region AND name = @name");
        command.Parameters.AddWithValue("@account", scope.Account);
        command.Parameters.AddWithValue("@region", scope.Region);
        command.Parameters.AddWithValue("@name", name);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? ReadQueue(reader) : null;
    }

    private static void AddQueueDocuments(SqliteCommand command, QueueRecord queue)
    {
        command.Parameters.AddWithValue("@attributes", JsonSerializer.Serialize(queue.Attributes, StorageJsonContext.Default.IReadOnlyDictionaryStringString));
        command.Parameters.AddWithValue("@tags", JsonSerializer.Serialize(queue.Tags, StorageJsonContext.Default.IReadOnlyDictionaryStringString));
        command.Parameters.AddWithValue("@modifiedAt", queue.LastModifiedAt.ToUnixTimeMilliseconds());
    }

    private static QueueRecord ReadQueue(SqliteDataReader reader) => new()
    {
        Id = reader.GetInt64(0),
        Scope = new Scope(reader.GetString(1), reader.GetString(2)),
        Name = reader.GetString(3),
        Attributes = JsonSerializer.Deserialize(reader.GetString(4), StorageJsonContext.Default.IReadOnlyDictionaryStringString) ?? new Dictionary<string, string>(),
        Tags = JsonSerializer.Deserialize(reader.GetString(5), StorageJsonContext.Default.IReadOnlyDictionaryStringString) ?? new Dictionary<string, string>(),
        CreatedAt = DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(6)),
        LastModifiedAt = DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(7)),
    };
}
