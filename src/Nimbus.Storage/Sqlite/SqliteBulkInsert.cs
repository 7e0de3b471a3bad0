// SPDX-License-Identifier: Apache-2.0
using System.Text;
using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace Nimbus.Storage.Sqlite;

/// <summary>
/// One INSERT of a fixed number of rows, prepared on the connection's own handle and bound by position through
/// SQLitePCL.raw; it runs inside whatever transaction the connection has open. Values go in row after row, column after
/// column (<see cref="Add(long)"/>, <see cref="Add(string)"/>), then <see cref="Execute"/> inserts them and the
/// statement is ready for the next rows. Use it inside a write transaction (the stores' <c>BEGIN IMMEDIATE</c>): a
/// SQLITE_BUSY is not retried here as Microsoft.Data.Sqlite would.
/// </summary>
/// <remarks>
/// Microsoft.Data.Sqlite binds every parameter by name: <c>sqlite3_bind_parameter_index</c> walks the statement's
/// names with <c>strncmp</c>, so a 64-row statement's 320 parameters cost ~51,000 comparisons per execution, and each
/// binding allocates a binder and the name's UTF-8 bytes. Under 16 clients of warm invokes that was 4.7% of the
/// server's CPU and a tenth of its allocation (2026-12-04); here binding is one call per value and allocates nothing
/// (text is handed to SQLite as UTF-16 and copied by it).
/// </remarks>
internal sealed class SqliteBulkInsert : IDisposable
{
    private readonly sqlite3 _db;
    private readonly sqlite3_stmt _statement;
    private readonly int _parameters;
    private int _next = 1;

    private SqliteBulkInsert(sqlite3 db, sqlite3_stmt statement, int rows, int parameters)
    {
        _db = db;
        _statement = statement;
        Rows = rows;
        _parameters = parameters;
    }

    /// <summary>The rows one <see cref="Execute"/> inserts.</summary>
    public int Rows { get; }

    /// <summary>
    /// Prepares <c>INSERT OR FAIL INTO <paramref name="into"/> VALUES (?, ...), ...</c> with <paramref name="rows"/>
    /// rows of <paramref name="columns"/> values; <paramref name="into"/> is <c>table (column, ...)</c>.
    /// </summary>
    public static SqliteBulkInsert Prepare(SqliteConnection connection, string into, int columns, int rows)
    {
        ArgumentNullException.ThrowIfNull(connection);
        ArgumentOutOfRangeException.ThrowIfLessThan(columns, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(rows, 1);
        var db = connection.Handle ?? throw new InvalidOperationException("The connection is not open.");
        // OR FAIL: a row that breaks a constraint ends the statement and keeps the rows before it; the error then
        // leaves the caller's write transaction, which is disposed without a commit (SqliteDatabase.WriteAsync; no
        // caller catches it and goes on), so nothing of it stays. With the default (ABORT) SQLite must be able to undo
        // this one statement inside the transaction, so a statement of many rows into a table with NOT NULL columns
        // keeps a statement journal, spilled to a temporary file past 64 KiB: under 16 clients of warm invokes that
        // was ~4 pwrite(2)s per invocation from the log writer alone (2026-12-05). A table with a foreign key
        // (audit_resources) keeps one all the same: SQLite checks foreign keys at the statement's end.
        var sql = new StringBuilder("INSERT OR FAIL INTO ", 40 + into.Length + (rows * columns * 3)).Append(into).Append(" VALUES ");
        for (var i = 0; i < rows; i++)
        {
            sql.Append(i == 0 ? "(?" : ", (?");
            for (var c = 1; c < columns; c++)
            {
                sql.Append(", ?");
            }

            sql.Append(')');
        }

        var rc = raw.sqlite3_prepare_v2(db, sql.ToString(), out var statement);
        if (rc != raw.SQLITE_OK)
        {
            statement?.Dispose();
            SqliteException.ThrowExceptionForRC(rc, db);
        }

        return new SqliteBulkInsert(db, statement ?? throw new InvalidOperationException("SQLite prepared no statement."), rows, rows * columns);
    }

    public void Add(long value) => Check(raw.sqlite3_bind_int64(_statement, Position(), value));

    public void Add(bool value) => Add(value ? 1L : 0L);

    /// <summary>The next value as text, or NULL for <see langword="null"/>.</summary>
    public void Add(string? value)
    {
        if (value is null)
        {
            Check(raw.sqlite3_bind_null(_statement, Position()));
        }
        else if (value.AsSpan().ContainsAnyInRange('\uD800', '\uDFFF'))
        {
            // SQLite would turn a lone surrogate into a made-up character or invalid UTF-8; .NET's encoder replaces it
            // with U+FFFD, as Microsoft.Data.Sqlite's binding did. Pairs take this path too (rare; one array).
            Check(raw.sqlite3_bind_text(_statement, Position(), Encoding.UTF8.GetBytes(value).AsSpan()));
        }
        else
        {
            Check(raw.sqlite3_bind_text16(_statement, Position(), value.AsSpan()));
        }
    }

    /// <summary>Inserts the bound rows; every value of every row must have been added.</summary>
    public void Execute()
    {
        if (_next != _parameters + 1)
        {
            throw new InvalidOperationException($"{_next - 1} of the statement's {_parameters} values were added.");
        }

        _next = 1;

        // The caller's transaction holds the write lock, so SQLITE_BUSY (Microsoft.Data.Sqlite's retry case) cannot
        // come here: any result but DONE is an error.
        var rc = raw.sqlite3_step(_statement);
        raw.sqlite3_reset(_statement);
        if (rc != raw.SQLITE_DONE)
        {
            SqliteException.ThrowExceptionForRC(rc, _db);
        }
    }

    public void Dispose() => _statement.Dispose();

    private int Position()
    {
        if (_next > _parameters)
        {
            throw new InvalidOperationException($"The statement takes {_parameters} values.");
        }

        return _next++;
    }

    private void Check(int rc)
    {
        if (rc != raw.SQLITE_OK)
        {
            // Start the rows again: a statement left mid-row would put later values in the wrong columns.
            _next = 1;
            raw.sqlite3_clear_bindings(_statement);
            SqliteException.ThrowExceptionForRC(rc, _db);
        }
    }
}
