// SPDX-License-Identifier: Apache-2.0
using Microsoft.Data.Sqlite;
using Nimbus.Storage.Sqlite;

namespace Nimbus.Storage.Tests.Sqlite;

/// <summary>A many-row INSERT bound by position: values land in their columns, text round-trips, misuse is refused.</summary>
public sealed class SqliteBulkInsertTests : IDisposable
{
    private readonly SqliteConnection _connection = new("Data Source=:memory:");

    public SqliteBulkInsertTests()
    {
        _connection.Open();
        Execute("CREATE TABLE t (id INTEGER PRIMARY KEY, n INTEGER NOT NULL, s TEXT)");
    }

    public void Dispose() => _connection.Dispose();

    [Fact]
    public void Execute_TwoBatches_InsertsEveryRowWithItsValues()
    {
        using var insert = SqliteBulkInsert.Prepare(_connection, "t (id, n, s)", 3, rows: 2);
        string?[] texts = ["plain", null, "ünïcødé ✓ 𝄞", string.Empty];
        for (var batch = 0; batch < 2; batch++)
        {
            for (var row = 0; row < 2; row++)
            {
                var i = (batch * 2) + row;
                insert.Add(i + 1);
                insert.Add(i % 2 == 0);
                insert.Add(texts[i]);
            }

            insert.Execute();
        }

        Assert.Equal(
            ["1|1|plain", "2|0|(null)", "3|1|ünïcødé ✓ 𝄞", "4|0|"],
            Rows());
        Assert.Equal(20, Scalar("SELECT length(CAST(s AS BLOB)) FROM t WHERE id = 3")); // Stored as UTF-8.
    }

    [Fact]
    public void Add_LoneSurrogates_AreStoredAsTheReplacementCharacterAndPairsKept()
    {
        using var insert = SqliteBulkInsert.Prepare(_connection, "t (n, s)", 2, rows: 3);
        insert.Add(1);
        insert.Add("\uD800x");
        insert.Add(2);
        insert.Add("x\uDC00");
        insert.Add(3);
        insert.Add("a😀b");
        insert.Execute();

        Assert.Equal(["1|1|\uFFFDx", "2|2|x\uFFFD", "3|3|a😀b"], Rows());
        Assert.Equal(6, Scalar("SELECT length(CAST(s AS BLOB)) FROM t WHERE n = 3")); // a, 4 bytes of UTF-8, b.
    }

    [Fact]
    public void Execute_InsideATransaction_RollsBackWithIt()
    {
        using (var transaction = _connection.BeginTransaction())
        {
            using var insert = SqliteBulkInsert.Prepare(_connection, "t (n, s)", 2, rows: 1);
            insert.Add(7);
            insert.Add("x");
            insert.Execute();
            Assert.Equal(1, Scalar("SELECT COUNT(*) FROM t"));
            transaction.Rollback();
        }

        Assert.Equal(0, Scalar("SELECT COUNT(*) FROM t"));
    }

    [Fact]
    public void Execute_WithValuesMissing_IsRefusedAndInsertsNothing()
    {
        using var insert = SqliteBulkInsert.Prepare(_connection, "t (n, s)", 2, rows: 2);
        insert.Add(1);
        insert.Add("a");
        insert.Add(2);

        var error = Assert.Throws<InvalidOperationException>(insert.Execute);

        Assert.Equal("3 of the statement's 4 values were added.", error.Message);
        Assert.Equal(0, Scalar("SELECT COUNT(*) FROM t"));
    }

    [Fact]
    public void Add_BeyondTheStatement_IsRefused()
    {
        using var insert = SqliteBulkInsert.Prepare(_connection, "t (n, s)", 2, rows: 1);
        insert.Add(1);
        insert.Add("a");

        var error = Assert.Throws<InvalidOperationException>(() => insert.Add(2));

        Assert.Equal("The statement takes 2 values.", error.Message);
    }

    [Fact]
    public void Execute_AConstraintFails_ThrowsSqliteExceptionKeepsTheRowsBeforeItAndTheStatementServesAgain()
    {
        using var insert = SqliteBulkInsert.Prepare(_connection, "t (id, n, s)", 3, rows: 2);
        insert.Add(1);
        insert.Add(1);
        insert.Add("a");
        insert.Add(2);
        insert.Add(0);
        insert.Add("b");
        insert.Execute();

        // The second row's key is taken: the statement stops there (OR FAIL, so that SQLite keeps no statement journal);
        // the row before it stays until the caller's transaction is rolled back (the next test).
        insert.Add(3);
        insert.Add(3);
        insert.Add("c");
        insert.Add(1);
        insert.Add(1);
        insert.Add("d");
        var duplicate = Assert.Throws<SqliteException>(insert.Execute);
        Assert.Equal(19, duplicate.SqliteErrorCode);
        Assert.Contains("UNIQUE constraint failed: t.id", duplicate.Message, StringComparison.Ordinal);

        insert.Add(5);
        insert.Add(5);
        insert.Add("e");
        insert.Add(6);
        insert.Add(6);
        insert.Add("f");
        insert.Execute();

        Assert.Equal(["1|1|a", "2|0|b", "3|3|c", "5|5|e", "6|6|f"], Rows());
    }

    [Fact]
    public void Execute_AConstraintFailsInATransaction_TheRollbackLeavesNothingOfIt()
    {
        Execute("INSERT INTO t VALUES (1, 1, 'a')");
        using var insert = SqliteBulkInsert.Prepare(_connection, "t (id, n, s)", 3, rows: 2);
        using (var transaction = _connection.BeginTransaction())
        {
            insert.Add(2);
            insert.Add(2);
            insert.Add("b");
            insert.Add(3);
            insert.Add(3);
            insert.Add("c");
            insert.Execute();
            insert.Add(4);
            insert.Add(4);
            insert.Add("d");
            insert.Add(5);
            insert.Add(null);
            insert.Add("e");

            var error = Assert.Throws<SqliteException>(insert.Execute);

            Assert.Contains("NOT NULL constraint failed: t.n", error.Message, StringComparison.Ordinal);
            transaction.Rollback();
        }

        Assert.Equal(["1|1|a"], Rows());
    }

    [Fact]
    public void Prepare_AnUnknownTable_ThrowsSqliteException()
    {
        var error = Assert.Throws<SqliteException>(() => SqliteBulkInsert.Prepare(_connection, "nowhere (a)", 1, rows: 1));

        Assert.Equal(1, error.SqliteErrorCode);
        Assert.Contains("no such table: nowhere", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Prepare_AClosedConnection_IsRefused()
    {
        using var closed = new SqliteConnection("Data Source=:memory:");

        Assert.Throws<InvalidOperationException>(() => SqliteBulkInsert.Prepare(closed, "t (n)", 1, rows: 1));
    }

    private void Execute(string sql)
    {
        using var command = _connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    private long Scalar(string sql)
    {
        using var command = _connection.CreateCommand();
        command.CommandText = sql;
        return (long)command.ExecuteScalar()!;
    }

    private List<string> Rows()
    {
        using var command = _connection.CreateCommand();
        command.CommandText = "SELECT id, n, s FROM t ORDER BY id";
        using var reader = command.ExecuteReader();
        var rows = new List<string>();
        while (reader.Read())
        {
            rows.Add($"{reader.GetInt64(0)}|{reader.GetInt64(1)}|{(reader.IsDBNull(2) ? "(null)" : reader.GetString(2))}");
        }

        return rows;
    }
}
