// SPDX-License-Identifier: Apache-2.0
using System.Text;
using Microsoft.Data.Sqlite;
using Nimbus.Core.Arns;
using Nimbus.Core.Storage;
using static Nimbus.Storage.Sqlite.SqliteData;

namespace Nimbus.Storage.Sqlite;

/// <summary>
/// The prepared statements of one log write transaction: events go in with their group and stream ids, many rows per
/// INSERT, and the stream's first/last event times and stored bytes move with them. Groups and streams are looked up
/// once each. <see cref="CompleteAsync"/> writes what is still gathered: call it before the transaction commits.
/// </summary>
internal sealed class SqliteLogWriter : IAsyncDisposable
{
    /// <summary>Lines per INSERT statement (5 parameters each, far below SQLite's limit of 32,766).</summary>
    private const int RowsPerInsert = 64;

    private readonly SqliteConnection _connection;
    private readonly SqliteTransaction _transaction;
    private SqliteBulkInsert? _insert;
    private readonly List<Row> _rows = new(RowsPerInsert);
    private readonly Dictionary<(string Account, string Region, string Group), long> _groups = [];
    private readonly Dictionary<(long Group, string Stream), long> _streams = [];
    private readonly Dictionary<long, StreamFigures> _figures = [];

    private SqliteLogWriter(SqliteConnection connection, SqliteTransaction transaction)
    {
        _connection = connection;
        _transaction = transaction;
    }

    public static SqliteLogWriter Create(SqliteConnection connection, SqliteTransaction transaction) => new(connection, transaction);

    /// <summary>The group's id, creating the group (as Lambda does on its first write) when <paramref name="create"/>.</summary>
    public async Task<long?> GroupAsync(Scope scope, string name, long now, bool create, CancellationToken cancellationToken)
    {
        var key = (scope.Account, scope.Region, name);
        if (_groups.TryGetValue(key, out var id))
        {
            return id;
        }

        // The usual case is a group that exists: one SELECT; the INSERT (and a second SELECT) only when it does not.
        var found = await SelectGroupAsync(scope, name, cancellationToken);
        if (found is null && create)
        {
            await using var insert = CreateCommand(
                _connection,
                _transaction,
                "INSERT INTO log_groups (account, region, name, created_at) VALUES (@account, @region, @name, @now) ON CONFLICT DO NOTHING");
            AddKey(insert, scope, name);
            insert.Parameters.AddWithValue("@now", now);
            await insert.ExecuteNonQueryAsync(cancellationToken);
            found = await SelectGroupAsync(scope, name, cancellationToken);
        }

        if (found is null)
        {
            return null;
        }

        _groups[key] = found.Value;
        return found;
    }

    private async Task<long?> SelectGroupAsync(Scope scope, string name, CancellationToken cancellationToken)
    {
        await using var select = CreateCommand(_connection, _transaction, "SELECT id FROM log_groups WHERE account = @account AND region = @region AND name = @name");
        AddKey(select, scope, name);
        return await select.ExecuteScalarAsync(cancellationToken) as long?;
    }

    public async Task<long?> StreamAsync(long group, string name, long now, bool create, CancellationToken cancellationToken)
    {
        if (_streams.TryGetValue((group, name), out var id))
        {
            return id;
        }

        var found = await SelectStreamAsync(group, name, cancellationToken);
        if (found is null && create)
        {
            await using var insert = CreateCommand(
                _connection,
                _transaction,
                "INSERT INTO log_streams (group_id, name, created_at) VALUES (@group, @name, @now) ON CONFLICT DO NOTHING");
            insert.Parameters.AddWithValue("@group", group);
            insert.Parameters.AddWithValue("@name", name);
            insert.Parameters.AddWithValue("@now", now);
            await insert.ExecuteNonQueryAsync(cancellationToken);
            found = await SelectStreamAsync(group, name, cancellationToken);
        }

        if (found is null)
        {
            return null;
        }

        _streams[(group, name)] = found.Value;
        return found;
    }

    private async Task<long?> SelectStreamAsync(long group, string name, CancellationToken cancellationToken)
    {
        await using var select = CreateCommand(_connection, _transaction, "SELECT id FROM log_streams WHERE group_id = @group AND name = @name");
        select.Parameters.AddWithValue("@group", group);
        select.Parameters.AddWithValue("@name", name);
        return await select.ExecuteScalarAsync(cancellationToken) as long?;
    }

    public async Task InsertAsync(long group, long stream, IReadOnlyList<LogEvent> events, long ingestion, CancellationToken cancellationToken)
    {
        if (events.Count == 0)
        {
            return;
        }

        long first = long.MaxValue, last = long.MinValue, bytes = 0;
        foreach (var logEvent in events)
        {
            var timestamp = logEvent.Timestamp.ToUnixTimeMilliseconds();
            first = Math.Min(first, timestamp);
            last = Math.Max(last, timestamp);
            bytes += Encoding.UTF8.GetByteCount(logEvent.Message);
            _rows.Add(new Row(group, stream, timestamp, ingestion, logEvent.Message));
            if (_rows.Count == RowsPerInsert)
            {
                // Made at its first use: a transaction with fewer lines than one statement takes never needs it.
                _insert ??= Insert(_connection, RowsPerInsert);
                Flush(_insert, cancellationToken);
            }
        }

        // The stream's figures move once per transaction (CompleteAsync), not once per batch: under load one write
        // carries many invocations' lines for the same few streams.
        _figures[stream] = _figures.TryGetValue(stream, out var known)
            ? new StreamFigures(Math.Min(known.First, first), Math.Max(known.Last, last), Math.Max(known.Ingestion, ingestion), known.Bytes + bytes)
            : new StreamFigures(first, last, ingestion, bytes);
    }

    /// <summary>
    /// An INSERT of <paramref name="rows"/> rows: one statement per <see cref="RowsPerInsert"/> lines rather than one
    /// per line (each statement's step and reset cost about as much as a row).
    /// </summary>
    private static SqliteBulkInsert Insert(SqliteConnection connection, int rows) =>
        SqliteBulkInsert.Prepare(connection, "log_records (group_id, stream_id, timestamp, ingestion, message)", 5, rows);

    /// <summary>Inserts the gathered rows with <paramref name="insert"/>, made for exactly their number.</summary>
    private void Flush(SqliteBulkInsert insert, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        foreach (var row in _rows)
        {
            insert.Add(row.Group);
            insert.Add(row.Stream);
            insert.Add(row.Timestamp);
            insert.Add(row.Ingestion);
            insert.Add(row.Message);
        }

        insert.Execute();
        _rows.Clear();
    }

    /// <summary>Moves the streams' first/last event times, last ingestion and stored bytes for what was inserted.</summary>
    public async Task CompleteAsync(CancellationToken cancellationToken)
    {
        if (_rows.Count > 0)
        {
            using var rest = Insert(_connection, _rows.Count);
            Flush(rest, cancellationToken);
        }

        if (_figures.Count == 0)
        {
            return;
        }

        await using var update = CreateCommand(
            _connection,
            _transaction,
            """
            UPDATE log_streams SET
                first_event = MIN(COALESCE(first_event, @first), @first),
                last_event = MAX(COALESCE(last_event, @last), @last),
                last_ingestion = @ingestion,
                stored_bytes = stored_bytes + @bytes
            WHERE id = @stream
            """);
        var firstParameter = update.Parameters.Add("@first", SqliteType.Integer);
        var lastParameter = update.Parameters.Add("@last", SqliteType.Integer);
        var ingestionParameter = update.Parameters.Add("@ingestion", SqliteType.Integer);
        var bytesParameter = update.Parameters.Add("@bytes", SqliteType.Integer);
        var streamParameter = update.Parameters.Add("@stream", SqliteType.Integer);
        foreach (var (stream, figures) in _figures)
        {
            firstParameter.Value = figures.First;
            lastParameter.Value = figures.Last;
            ingestionParameter.Value = figures.Ingestion;
            bytesParameter.Value = figures.Bytes;
            streamParameter.Value = stream;
            await update.ExecuteNonQueryAsync(cancellationToken);
        }

        _figures.Clear();
    }

    public ValueTask DisposeAsync()
    {
        _insert?.Dispose();
        return ValueTask.CompletedTask;
    }

    private readonly record struct Row(long Group, long Stream, long Timestamp, long Ingestion, string Message);

    private readonly record struct StreamFigures(long First, long Last, long Ingestion, long Bytes);
}
