// SPDX-License-Identifier: Apache-2.0
using Microsoft.Data.Sqlite;
using Nimbus.Core.Queues;
using static Nimbus.Storage.Sqlite.SqliteData;

namespace Nimbus.Storage.Sqlite;

internal sealed partial class SqliteQueueStore
{
    private const string MessageColumns =
        "id, message_id, body, attributes, md5_body, md5_attributes, sent_at, sender_id, trace_header, group_id, dedup_id, receive_count, first_receive_at";

    // A FIFO group with a message in flight delivers nothing more until that message is deleted or visible again.
    private const string FifoCandidates = $"""
        SELECT {MessageColumns} FROM queue_messages AS m
        WHERE m.queue_id = @queue AND m.visible_at <= @now
          AND NOT EXISTS (SELECT 1 FROM queue_messages AS f
                          WHERE f.queue_id = @queue AND f.group_id = m.group_id AND f.visible_at > @now AND f.receive_count > 0)
        ORDER BY m.id LIMIT @limit
        """;

    private const string StandardCandidates = $"""
        SELECT {MessageColumns} FROM queue_messages
        WHERE queue_id = @queue AND visible_at <= @now
        ORDER BY visible_at LIMIT @limit
        """;

    public async Task<bool> HasVisibleMessagesAsync(long queueId, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var found = await db.QueryAsync(
            "SELECT 1 FROM queue_messages WHERE queue_id = @queue AND visible_at <= @now LIMIT 1",
            command =>
            {
                command.Parameters.AddWithValue("@queue", queueId);
                command.Parameters.AddWithValue("@now", now.ToUnixTimeMilliseconds());
            },
            static _ => true,
            cancellationToken);
        return found.Count > 0;
    }

    public async Task<IReadOnlyList<SentMessage>> SendMessagesAsync(long queueId, IReadOnlyList<NewQueueMessage> messages, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(messages);
        return await db.WriteAsync(
            async (connection, transaction, ct) =>
            {
                // A DeleteQueue may have committed since the caller looked the queue up: its messages must not be
                // acknowledged into a queue that no longer exists.
                await using (var exists = CreateCommand(connection, transaction, "SELECT 1 FROM queues WHERE id = @queue"))
                {
                    exists.Parameters.AddWithValue("@queue", queueId);
                    if (await exists.ExecuteScalarAsync(ct) is null)
                    {
                        throw QueueErrors.QueueDoesNotExist();
                    }
                }

                var sent = new SentMessage[messages.Count];
                await using var insert = CreateCommand(
                    connection,
                    transaction,
                    """
                    INSERT INTO queue_messages
                        (queue_id, message_id, body, attributes, md5_body, md5_attributes, sent_at, sender_id, trace_header, group_id, dedup_id, visible_at)
                    VALUES (@queue, @messageId, @body, @attributes, @md5Body, @md5Attributes, @sentAt, @senderId, @trace, @group, @dedup, @visibleAt)
                    RETURNING id
                    """);
                var parameters = insert.Parameters;
                var queue = parameters.Add("@queue", SqliteType.Integer);
                var messageId = parameters.Add("@messageId", SqliteType.Text);
                var body = parameters.Add("@body", SqliteType.Text);
                var attributes = parameters.Add("@attributes", SqliteType.Blob);
                var md5Body = parameters.Add("@md5Body", SqliteType.Text);
                var md5Attributes = parameters.Add("@md5Attributes", SqliteType.Text);
                var sentAt = parameters.Add("@sentAt", SqliteType.Integer);
                var senderId = parameters.Add("@senderId", SqliteType.Text);
                var trace = parameters.Add("@trace", SqliteType.Text);
                var group = parameters.Add("@group", SqliteType.Text);
                var dedup = parameters.Add("@dedup", SqliteType.Text);
                var visibleAt = parameters.Add("@visibleAt", SqliteType.Integer);
                queue.Value = queueId;
                for (var i = 0; i < messages.Count; i++)
                {
                    var message = messages[i];
                    if (message.DeduplicationKey is { } key && await FindDuplicateAsync(connection, transaction, queueId, key, message.SentAt, ct) is { } duplicate)
                    {
                        sent[i] = duplicate;
                        continue;
                    }

                    messageId.Value = message.MessageId;
                    body.Value = message.Body;
                    attributes.Value = (object?)MessageAttributeCodec.Encode(message.MessageAttributes) ?? DBNull.Value;
                    md5Body.Value = message.Md5OfBody;
                    md5Attributes.Value = (object?)message.Md5OfMessageAttributes ?? DBNull.Value;
                    sentAt.Value = message.SentAt.ToUnixTimeMilliseconds();
                    senderId.Value = message.SenderId;
                    trace.Value = (object?)message.AwsTraceHeader ?? DBNull.Value;
                    group.Value = (object?)message.MessageGroupId ?? DBNull.Value;
                    dedup.Value = (object?)message.MessageDeduplicationId ?? DBNull.Value;
                    visibleAt.Value = message.VisibleAt.ToUnixTimeMilliseconds();
                    var sequence = (long)(await insert.ExecuteScalarAsync(ct))!; // RETURNING id always yields the row's id
                    sent[i] = new SentMessage(message.MessageId, sequence, Duplicate: false);
                    if (message.DeduplicationKey is { } newKey)
                    {
                        await RememberDeduplicationAsync(connection, transaction, queueId, newKey, sent[i], message.DeduplicationExpiresAt, ct);
                    }
                }

                return (IReadOnlyList<SentMessage>)sent;
            },
            cancellationToken);
    }

    public async Task<ReceiveBatch> ReceiveMessagesAsync(ReceiveQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);

        // A receive only moves visibility forward: if a crash loses it, the message is delivered again (at least
        // once), so it commits without an fsync of its own.
        return await db.WriteAsync((connection, transaction, ct) => ReceiveAsync(connection, transaction, query, ct), cancellationToken, durable: false);
    }

    public async Task<IReadOnlyList<ReceiptOutcome>> DeleteMessagesAsync(
        IReadOnlyList<ReceiptHandle> receipts,
        DateTimeOffset now,
        bool requireInFlight,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(receipts);

        // Like a receive, a delete commits without an fsync of its own: it survives a crash of the process (the WAL
        // is written), and only a power loss before the next durable commit could bring a deleted message back,
        // which at-least-once delivery allows. Sends, which are acknowledged promises, always sync.
        return await db.WriteAsync(
            async (connection, transaction, ct) =>
            {
                var outcomes = new ReceiptOutcome[receipts.Count];
                await using var delete = CreateCommand(
                    connection,
                    transaction,
                    "DELETE FROM queue_messages WHERE id = @id AND queue_id = @queue AND receipt = @receipt AND (@any OR visible_at > @now)");
                var id = delete.Parameters.Add("@id", SqliteType.Integer);
                var queue = delete.Parameters.Add("@queue", SqliteType.Integer);
                var receipt = delete.Parameters.Add("@receipt", SqliteType.Integer);
                delete.Parameters.AddWithValue("@any", !requireInFlight);
                delete.Parameters.AddWithValue("@now", now.ToUnixTimeMilliseconds());
                for (var i = 0; i < receipts.Count; i++)
                {
                    id.Value = receipts[i].Sequence;
                    queue.Value = receipts[i].QueueId;
                    receipt.Value = receipts[i].Token;
                    outcomes[i] = await delete.ExecuteNonQueryAsync(ct) == 1
                        ? ReceiptOutcome.Done
                        : await ClassifyReceiptAsync(connection, transaction, receipts[i], now, ct);
                }

                return (IReadOnlyList<ReceiptOutcome>)outcomes;
            },
            cancellationToken,
            durable: false);
    }

    public async Task<IReadOnlyList<ReceiptOutcome>> ChangeVisibilityAsync(
        IReadOnlyList<(ReceiptHandle Handle, DateTimeOffset VisibleAt)> changes,
        DateTimeOffset now,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(changes);
        return await db.WriteAsync(
            async (connection, transaction, ct) =>
            {
                var outcomes = new ReceiptOutcome[changes.Count];
                await using var update = CreateCommand(
                    connection,
                    transaction,
                    "UPDATE queue_messages SET visible_at = @visibleAt WHERE id = @id AND queue_id = @queue AND receipt = @receipt AND visible_at > @now");
                var id = update.Parameters.Add("@id", SqliteType.Integer);
                var queue = update.Parameters.Add("@queue", SqliteType.Integer);
                var receipt = update.Parameters.Add("@receipt", SqliteType.Integer);
                var visibleAt = update.Parameters.Add("@visibleAt", SqliteType.Integer);
                update.Parameters.AddWithValue("@now", now.ToUnixTimeMilliseconds());
                for (var i = 0; i < changes.Count; i++)
                {
                    var (handle, visible) = changes[i];
                    id.Value = handle.Sequence;
                    queue.Value = handle.QueueId;
                    receipt.Value = handle.Token;
                    visibleAt.Value = visible.ToUnixTimeMilliseconds();
                    outcomes[i] = await update.ExecuteNonQueryAsync(ct) == 1
                        ? ReceiptOutcome.Done
                        : await ClassifyReceiptAsync(connection, transaction, handle, now, ct);
                }

                return (IReadOnlyList<ReceiptOutcome>)outcomes;
            },
            cancellationToken);
    }

    private static async Task<ReceiveBatch> ReceiveAsync(SqliteConnection connection, SqliteTransaction transaction, ReceiveQuery query, CancellationToken ct)
    {
        var now = query.Now.ToUnixTimeMilliseconds();
        var retainedSince = query.RetainedSince.ToUnixTimeMilliseconds();
        var delivered = new List<QueueMessage>(query.MaxMessages);
        var moved = 0;
        await using var select = CreateCommand(connection, transaction, query.Fifo ? FifoCandidates : StandardCandidates);
        select.Parameters.AddWithValue("@queue", query.QueueId);
        select.Parameters.AddWithValue("@now", now);
        var limit = select.Parameters.Add("@limit", SqliteType.Integer);
        await using var take = CreateCommand(
            connection,
            transaction,
            """
            UPDATE queue_messages
            SET visible_at = @visibleAt, receive_count = receive_count + 1, first_receive_at = COALESCE(first_receive_at, @now), receipt = @receipt
            WHERE id = @id
            """);
        take.Parameters.AddWithValue("@visibleAt", query.VisibleUntil.ToUnixTimeMilliseconds());
        take.Parameters.AddWithValue("@now", now);
        var takeId = take.Parameters.Add("@id", SqliteType.Integer);
        var receipt = take.Parameters.Add("@receipt", SqliteType.Integer);
        await using var drop = CreateCommand(connection, transaction, "DELETE FROM queue_messages WHERE id = @id");
        var dropId = drop.Parameters.Add("@id", SqliteType.Integer);

        // The dead-letter queue gets the message as a new arrival there (visible now, not yet received).
        await using var move = CreateCommand(
            connection,
            transaction,
            "UPDATE queue_messages SET queue_id = @target, visible_at = @now, receive_count = 0, first_receive_at = NULL, receipt = NULL WHERE id = @id");
        move.Parameters.AddWithValue("@target", query.DeadLetterQueueId ?? 0);
        move.Parameters.AddWithValue("@now", now);
        var moveId = move.Parameters.Add("@id", SqliteType.Integer);

        // Expired and redriven messages make room: look again (a few rounds at most) until enough are delivered.
        for (var round = 0; round < 4 && delivered.Count < query.MaxMessages; round++)
        {
            limit.Value = query.MaxMessages - delivered.Count;
            var skipped = 0;
            var candidates = new List<QueueMessage>();
            await using (var reader = await select.ExecuteReaderAsync(ct))
            {
                while (await reader.ReadAsync(ct))
                {
                    candidates.Add(ReadMessage(reader));
                }
            }

            if (candidates.Count == 0)
            {
                break;
            }

            foreach (var candidate in candidates)
            {
                if (candidate.SentAt.ToUnixTimeMilliseconds() <= retainedSince)
                {
                    dropId.Value = candidate.Sequence;
                    await drop.ExecuteNonQueryAsync(ct);
                    skipped++;
                    continue;
                }

                if (query.DeadLetterQueueId is not null && candidate.ReceiveCount >= query.MaxReceiveCount)
                {
                    moveId.Value = candidate.Sequence;
                    await move.ExecuteNonQueryAsync(ct);
                    moved++;
                    skipped++;
                    continue;
                }

                var token = Random.Shared.NextInt64(1, long.MaxValue);
                takeId.Value = candidate.Sequence;
                receipt.Value = token;
                await take.ExecuteNonQueryAsync(ct);
                delivered.Add(candidate with
                {
                    ReceiveCount = candidate.ReceiveCount + 1,
                    FirstReceivedAt = candidate.ReceiveCount == 0 ? query.Now : candidate.FirstReceivedAt,
                    ReceiptToken = token,
                });
            }

            if (skipped == 0)
            {
                break;
            }
        }

        DateTimeOffset? nextVisibleAt = null;
        if (delivered.Count == 0)
        {
            await using var next = CreateCommand(connection, transaction, "SELECT MIN(visible_at) FROM queue_messages WHERE queue_id = @queue AND visible_at > @now");
            next.Parameters.AddWithValue("@queue", query.QueueId);
            next.Parameters.AddWithValue("@now", now);
            if (await next.ExecuteScalarAsync(ct) is long at)
            {
                nextVisibleAt = DateTimeOffset.FromUnixTimeMilliseconds(at);
            }
        }

        return new ReceiveBatch(delivered, moved, nextVisibleAt);
    }

    private static QueueMessage ReadMessage(SqliteDataReader reader) => new()
    {
        Sequence = reader.GetInt64(0),
        MessageId = reader.GetString(1),
        Body = reader.GetString(2),
        MessageAttributes = reader.IsDBNull(3) ? null : MessageAttributeCodec.Decode((byte[])reader.GetValue(3)),
        Md5OfBody = reader.GetString(4),
        Md5OfMessageAttributes = reader.IsDBNull(5) ? null : reader.GetString(5),
        SentAt = DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(6)),
        SenderId = reader.GetString(7),
        AwsTraceHeader = reader.IsDBNull(8) ? null : reader.GetString(8),
        MessageGroupId = reader.IsDBNull(9) ? null : reader.GetString(9),
        MessageDeduplicationId = reader.IsDBNull(10) ? null : reader.GetString(10),
        ReceiveCount = reader.GetInt32(11),
        FirstReceivedAt = reader.IsDBNull(12) ? default : DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(12)),
        ReceiptToken = 0,
    };

    private static async Task<ReceiptOutcome> ClassifyReceiptAsync(
        SqliteConnection connection,
        SqliteTransaction transaction,
        ReceiptHandle handle,
        DateTimeOffset now,
        CancellationToken ct)
    {
        await using var command = CreateCommand(connection, transaction, "SELECT receipt, visible_at FROM queue_messages WHERE id = @id AND queue_id = @queue");
        command.Parameters.AddWithValue("@id", handle.Sequence);
        command.Parameters.AddWithValue("@queue", handle.QueueId);
        await using var reader = await command.ExecuteReaderAsync(ct);
        if (!await reader.ReadAsync(ct))
        {
            return ReceiptOutcome.Gone;
        }

        return await reader.IsDBNullAsync(0, ct) || reader.GetInt64(0) != handle.Token ? ReceiptOutcome.Stale
            : reader.GetInt64(1) <= now.ToUnixTimeMilliseconds() ? ReceiptOutcome.NotInFlight
            : ReceiptOutcome.Done;
    }

    private static async Task<SentMessage?> FindDuplicateAsync(
        SqliteConnection connection,
        SqliteTransaction transaction,
        long queueId,
        string key,
        DateTimeOffset now,
        CancellationToken ct)
    {
        await using var command = CreateCommand(
            connection,
            transaction,
            "SELECT message_id, sequence FROM queue_dedup WHERE queue_id = @queue AND dedup_key = @key AND expires_at > @now");
        command.Parameters.AddWithValue("@queue", queueId);
        command.Parameters.AddWithValue("@key", key);
        command.Parameters.AddWithValue("@now", now.ToUnixTimeMilliseconds());
        await using var reader = await command.ExecuteReaderAsync(ct);
        return await reader.ReadAsync(ct) ? new SentMessage(reader.GetString(0), reader.GetInt64(1), Duplicate: true) : null;
    }

    private static async Task RememberDeduplicationAsync(
        SqliteConnection connection,
        SqliteTransaction transaction,
        long queueId,
        string key,
        SentMessage sent,
        DateTimeOffset expiresAt,
        CancellationToken ct)
    {
        // Expired ids of this queue go first, so the table holds about one window of ids.
        await using var command = CreateCommand(
            connection,
            transaction,
            """
            DELETE FROM queue_dedup WHERE queue_id = @queue AND expires_at <= @now;
            INSERT OR REPLACE INTO queue_dedup (queue_id, dedup_key, message_id, sequence, expires_at) VALUES (@queue, @key, @messageId, @sequence, @expiresAt);
            """);
        command.Parameters.AddWithValue("@queue", queueId);
        command.Parameters.AddWithValue("@key", key);
        command.Parameters.AddWithValue("@messageId", sent.MessageId);
        command.Parameters.AddWithValue("@sequence", sent.SequenceNumber);
        command.Parameters.AddWithValue("@expiresAt", expiresAt.ToUnixTimeMilliseconds());
        command.Parameters.AddWithValue("@now", expiresAt.AddMinutes(-5).ToUnixTimeMilliseconds());
        await command.ExecuteNonQueryAsync(ct);
    }
}
