// SPDX-License-Identifier: Apache-2.0
using System.Globalization;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;
using Nimbus.Core.Storage;
using static Nimbus.Storage.Sqlite.SqliteData;

namespace Nimbus.Storage.Sqlite;

/// <summary>
/// The data-access helper every SQLite store shares: one file, <c>&lt;dataDir&gt;/nimbus.db</c>, in WAL mode with
/// <c>synchronous=FULL</c> so that a committed write survives a power loss. SQLite allows one writer at a time,
/// so writes go through one long-lived connection behind a semaphore, each in one <c>BEGIN IMMEDIATE</c>
/// transaction; reads take a pooled connection each and run beside the writer (WAL readers never block).
/// It owns the schema (<see cref="MigrateAsync"/>, one ordered list of migrations for every store).
/// </summary>
internal sealed class SqliteDatabase : IStoreSchema, IDisposable
{
    public const string DatabaseFileName = "nimbus.db";

    // SQLite's own busy handler, for the writer; readers rely on Microsoft.Data.Sqlite's retry until DefaultTimeout.
    private const int BusyTimeoutMilliseconds = 5000;

    private readonly string _readConnectionString;
    private readonly string _writeConnectionString;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger<SqliteDatabase> _logger;
    private readonly SemaphoreSlim _writeLock = new(1, 1);
    private SqliteConnection? _writeConnection;
    private bool _disposed;

    public SqliteDatabase(string dataDirectory, TimeProvider timeProvider, ILogger<SqliteDatabase> logger)
    {
        ArgumentException.ThrowIfNullOrEmpty(dataDirectory);
        ArgumentNullException.ThrowIfNull(timeProvider);
        ArgumentNullException.ThrowIfNull(logger);

        DatabasePath = Path.Combine(Path.GetFullPath(dataDirectory), DatabaseFileName);
        var builder = new SqliteConnectionStringBuilder
        {
            DataSource = DatabasePath,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Cache = SqliteCacheMode.Private,
            Pooling = true,
            DefaultTimeout = 30,
        };

        // Readers skip the foreign_keys pragma that Microsoft.Data.Sqlite would run on every open: they never write.
        _readConnectionString = builder.ToString();
        builder.ForeignKeys = true;
        _writeConnectionString = builder.ToString();
        _timeProvider = timeProvider;
        _logger = logger;
    }

    public string DatabasePath { get; }

    /// <summary>The clock the stores stamp rows with.</summary>
    public TimeProvider Time => _timeProvider;

    public async Task MigrateAsync(CancellationToken cancellationToken)
    {
        await WriteAsync(
            async (connection, transaction, ct) =>
            {
                await ExecuteAsync(connection, transaction, SqliteMigrations.CreateVersionTable, ct);
                var current = await GetSchemaVersionAsync(connection, transaction, ct);
                var latest = SqliteMigrations.Scripts.Count;
                if (current > latest)
                {
                    throw new InvalidOperationException(
                        $"The database {DatabasePath} has schema version {current}, newer than this Nimbus knows ({latest}).");
                }

                for (var version = current + 1; version <= latest; version++)
                {
                    await ExecuteAsync(connection, transaction, SqliteMigrations.Scripts[version - 1], ct);
                    await using var record = CreateCommand(
                        connection,
                        transaction,
                        "INSERT INTO schema_version (version, applied_at) VALUES (@version, @appliedAt)");
                    record.Parameters.AddWithValue("@version", version);
                    record.Parameters.AddWithValue("@appliedAt", FormatTimestamp(_timeProvider.GetUtcNow()));
                    await record.ExecuteNonQueryAsync(ct);
                    _logger.MigrationApplied(version);
                }

                _logger.SchemaUpToDate(latest);
                return true;
            },
            cancellationToken);
    }

    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        _writeConnection?.Dispose();
        _writeConnection = null;

        // Close the pooled connections too, so that the file is released (and SQLite checkpoints the WAL).
        using var writer = new SqliteConnection(_writeConnectionString);
        SqliteConnection.ClearPool(writer);
        using var reader = new SqliteConnection(_readConnectionString);
        SqliteConnection.ClearPool(reader);
        _writeLock.Dispose();
    }

    internal static async Task<int> GetSchemaVersionAsync(
        SqliteConnection connection,
        SqliteTransaction? transaction,
        CancellationToken cancellationToken)
    {
        await using var command = CreateCommand(connection, transaction, "SELECT COALESCE(MAX(version), 0) FROM schema_version");
        var value = await command.ExecuteScalarAsync(cancellationToken);
        return Convert.ToInt32(value, CultureInfo.InvariantCulture);
    }

    /// <summary>One statement in its own write transaction; returns the number of rows it changed.</summary>
    public Task<int> ExecuteWriteAsync(string sql, Action<SqliteCommand> bind, CancellationToken cancellationToken, bool durable = true) =>
        WriteAsync(
            async (connection, transaction, ct) =>
            {
                await using var command = CreateCommand(connection, transaction, sql);
                bind(command);
                return await command.ExecuteNonQueryAsync(ct);
            },
            cancellationToken,
            durable);

    /// <summary>One query on a pooled read connection, each row mapped by <paramref name="read"/>.</summary>
    public async Task<List<T>> QueryAsync<T>(string sql, Action<SqliteCommand> bind, Func<SqliteDataReader, T> read, CancellationToken cancellationToken)
    {
        await using var connection = await OpenReadConnectionAsync(cancellationToken);
        await using var command = CreateCommand(connection, transaction: null, sql);
        bind(command);
        var rows = new List<T>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            rows.Add(read(reader));
        }

        return rows;
    }

    /// <summary>Runs <paramref name="work"/> in one immediate transaction on the write connection, and commits it.</summary>
    public async Task<T> WriteAsync<T>(
        Func<SqliteConnection, SqliteTransaction, CancellationToken, Task<T>> work,
        CancellationToken cancellationToken,
        bool durable = true)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        var started = _timeProvider.GetTimestamp();
        await _writeLock.WaitAsync(cancellationToken);
        SqliteConnection? relaxed = null;
        try
        {
            var connection = await GetWriteConnectionAsync(cancellationToken);
            if (!durable)
            {
                // Logs: committed to the WAL without an fsync of their own (they survive a crash of the process, and
                // the next durable commit syncs them); acknowledged state always commits with synchronous = FULL.
                await ExecuteAsync(connection, transaction: null, "PRAGMA synchronous = NORMAL;", cancellationToken);
                relaxed = connection;
            }

            // Microsoft.Data.Sqlite begins with BEGIN IMMEDIATE unless asked to defer: the write lock is taken up
            // front, so a transaction never fails half-way on a read-to-write upgrade.
            await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken);
            var result = await work(connection, transaction, cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            Nimbus.Core.Diagnostics.NimbusMetrics.StoreWriteDuration.Record(_timeProvider.GetElapsedTime(started).TotalSeconds);
            return result;
        }
        finally
        {
            if (relaxed is not null)
            {
                await ExecuteAsync(relaxed, transaction: null, "PRAGMA synchronous = FULL;", CancellationToken.None);
            }

            _writeLock.Release();
        }
    }

    private async Task<SqliteConnection> GetWriteConnectionAsync(CancellationToken cancellationToken)
    {
        if (_writeConnection is not null)
        {
            return _writeConnection;
        }

        var connection = new SqliteConnection(_writeConnectionString);
        try
        {
            await connection.OpenAsync(cancellationToken);

            // journal_mode is stored in the file; synchronous and busy_timeout are per connection.
            await ExecuteAsync(
                connection,
                transaction: null,
                $"PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; PRAGMA busy_timeout = {BusyTimeoutMilliseconds};",
                cancellationToken);
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }

        _writeConnection = connection;
        _logger.StateStoreOpened(DatabasePath);
        return connection;
    }

    public async Task<SqliteConnection> OpenReadConnectionAsync(CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        var connection = new SqliteConnection(_readConnectionString);
        try
        {
            await connection.OpenAsync(cancellationToken);
            return connection;
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }
}
