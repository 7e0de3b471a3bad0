// SPDX-License-Identifier: Apache-2.0
namespace Nimbus.Storage.Sqlite;

/// <summary>
/// The schema, as an ordered list of scripts: script <c>i</c> brings the database to version <c>i + 1</c>.
/// Append new scripts; never edit one that has shipped.
/// </summary>
internal static class SqliteMigrations
{
    /// <summary>Creates the table that records which scripts have run.</summary>
    public const string CreateVersionTable = """
        CREATE TABLE IF NOT EXISTS schema_version (
            version    INTEGER NOT NULL PRIMARY KEY,
            applied_at TEXT    NOT NULL
        );
        """;

    /// <summary>
    /// Version 1: functions, with <c>$LATEST</c> in the function row (its configuration as JSON, plus the columns
    /// the store queries on), and published versions in <c>function_versions</c>.
    /// </summary>
    private const string V1Functions = """
        CREATE TABLE functions (
            account            TEXT    NOT NULL,
            region             TEXT    NOT NULL,
            name               TEXT    NOT NULL,
            config             TEXT    NOT NULL,
            tags               TEXT    NOT NULL,
            revision_id        TEXT    NOT NULL,
            code_sha256        TEXT    NOT NULL,
            code_size          INTEGER NOT NULL,
            state              TEXT    NOT NULL,
            last_update_status TEXT,
            created_at         TEXT    NOT NULL,
            PRIMARY KEY (account, region, name)
        ) WITHOUT ROWID;

        CREATE INDEX functions_code_sha256 ON functions (code_sha256);

        CREATE TABLE function_versions (
            account     TEXT    NOT NULL,
            region      TEXT    NOT NULL,
            name        TEXT    NOT NULL,
            version     TEXT    NOT NULL,
            config      TEXT    NOT NULL,
            code_sha256 TEXT    NOT NULL,
            code_size   INTEGER NOT NULL,
            created_at  TEXT    NOT NULL,
            PRIMARY KEY (account, region, name, version),
            FOREIGN KEY (account, region, name) REFERENCES functions (account, region, name) ON DELETE CASCADE
        ) WITHOUT ROWID;

        CREATE INDEX function_versions_code_sha256 ON function_versions (code_sha256);
        """;

    public static IReadOnlyList<string> Scripts { get; } = [V1Functions];
}
