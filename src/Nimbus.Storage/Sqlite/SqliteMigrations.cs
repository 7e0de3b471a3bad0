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

    /// <summary>Version 2: function logs, one row per line, by log group and stream.</summary>
    private const string V2Logs = """
        CREATE TABLE log_events (
            id         INTEGER PRIMARY KEY,
            account    TEXT    NOT NULL,
            region     TEXT    NOT NULL,
            log_group  TEXT    NOT NULL,
            log_stream TEXT    NOT NULL,
            timestamp  INTEGER NOT NULL,
            message    TEXT    NOT NULL
        );

        CREATE INDEX log_events_stream ON log_events (account, region, log_group, log_stream, id);
        """;

    /// <summary>Version 3: the durable queue of asynchronous invocations.</summary>
    private const string V3AsyncInvocations = """
        CREATE TABLE async_invocations (
            request_id      TEXT    NOT NULL PRIMARY KEY,
            account         TEXT    NOT NULL,
            region          TEXT    NOT NULL,
            function_name   TEXT    NOT NULL,
            qualifier       TEXT,
            payload         BLOB    NOT NULL,
            client_context  TEXT,
            trace_id        TEXT,
            attempts        INTEGER NOT NULL,
            enqueued_at     INTEGER NOT NULL,
            next_attempt_at INTEGER NOT NULL
        ) WITHOUT ROWID;

        CREATE INDEX async_invocations_due ON async_invocations (next_attempt_at);
        """;

    /// <summary>
    /// Version 4: published version numbers (never reused, so the last one is kept on the function) and aliases,
    /// with the versions an alias routes to as columns, so a version an alias uses cannot be deleted.
    /// </summary>
    private const string V4VersionsAndAliases = """
        ALTER TABLE functions ADD COLUMN last_version INTEGER NOT NULL DEFAULT 0;

        CREATE TABLE function_aliases (
            account            TEXT NOT NULL,
            region             TEXT NOT NULL,
            function_name      TEXT NOT NULL,
            name               TEXT NOT NULL,
            config             TEXT NOT NULL,
            revision_id        TEXT NOT NULL,
            function_version   TEXT NOT NULL,
            additional_version TEXT,
            PRIMARY KEY (account, region, function_name, name),
            FOREIGN KEY (account, region, function_name) REFERENCES functions (account, region, name) ON DELETE CASCADE
        ) WITHOUT ROWID;
        """;

    /// <summary>Version 5: provisioned concurrency, one config per published version or alias.</summary>
    private const string V5ProvisionedConcurrency = """
        CREATE TABLE provisioned_concurrency (
            account       TEXT NOT NULL,
            region        TEXT NOT NULL,
            function_name TEXT NOT NULL,
            qualifier     TEXT NOT NULL,
            config        TEXT NOT NULL,
            last_modified TEXT NOT NULL,
            requested     INTEGER NOT NULL,
            PRIMARY KEY (account, region, function_name, qualifier),
            FOREIGN KEY (account, region, function_name) REFERENCES functions (account, region, name) ON DELETE CASCADE
        ) WITHOUT ROWID;
        """;

    /// <summary>Version 6: asynchronous invocation settings per qualifier, and the function's recursion setting.</summary>
    private const string V6EventInvokeConfigs = """
        ALTER TABLE functions ADD COLUMN recursive_loop TEXT NOT NULL DEFAULT 'Terminate';

        CREATE TABLE event_invoke_configs (
            account       TEXT NOT NULL,
            region        TEXT NOT NULL,
            function_name TEXT NOT NULL,
            qualifier     TEXT NOT NULL,
            config        TEXT NOT NULL,
            PRIMARY KEY (account, region, function_name, qualifier),
            FOREIGN KEY (account, region, function_name) REFERENCES functions (account, region, name) ON DELETE CASCADE
        ) WITHOUT ROWID;
        """;

    /// <summary>
    /// Version 7: layers. <c>layers</c> holds each layer's last version number, so numbers are never reused after a
    /// delete; <c>layer_versions</c> holds each version as JSON plus the columns queried on. A deleted version keeps
    /// its row (deleted = 1) until no function refers to it by <c>arn</c>.
    /// </summary>
    private const string V7Layers = """
        CREATE TABLE layers (
            account        TEXT    NOT NULL,
            region         TEXT    NOT NULL,
            name           TEXT    NOT NULL,
            latest_version INTEGER NOT NULL,
            PRIMARY KEY (account, region, name)
        ) WITHOUT ROWID;

        CREATE TABLE layer_versions (
            account            TEXT    NOT NULL,
            region             TEXT    NOT NULL,
            name               TEXT    NOT NULL,
            version            INTEGER NOT NULL,
            arn                TEXT    NOT NULL,
            config             TEXT    NOT NULL,
            code_sha256        TEXT    NOT NULL,
            policy_revision_id TEXT,
            deleted            INTEGER NOT NULL DEFAULT 0,
            created_at         TEXT    NOT NULL,
            PRIMARY KEY (account, region, name, version)
        ) WITHOUT ROWID;

        CREATE INDEX layer_versions_code_sha256 ON layer_versions (code_sha256);
        CREATE INDEX layer_versions_deleted ON layer_versions (deleted) WHERE deleted = 1;
        """;

    /// <summary>
    /// Version 8: reserved concurrency per function (gone with the function), and an index to defer or resume the
    /// queued events of one throttled function in one statement.
    /// </summary>
    private const string V8FunctionConcurrency = """
        CREATE TABLE function_concurrency (
            account  TEXT    NOT NULL,
            region   TEXT    NOT NULL,
            name     TEXT    NOT NULL,
            reserved INTEGER NOT NULL,
            PRIMARY KEY (account, region, name),
            FOREIGN KEY (account, region, name) REFERENCES functions (account, region, name) ON DELETE CASCADE
        ) WITHOUT ROWID;

        CREATE INDEX async_invocations_function ON async_invocations (account, region, function_name, next_attempt_at);
        """;

    /// <summary>
    /// Version 9: event source mappings, by UUID, with the source and function as columns (one mapping per pair). A
    /// mapping outlives its function, as on AWS.
    /// </summary>
    private const string V9EventSourceMappings = """
        CREATE TABLE event_source_mappings (
            uuid             TEXT NOT NULL PRIMARY KEY,
            account          TEXT NOT NULL,
            region           TEXT NOT NULL,
            event_source_arn TEXT NOT NULL,
            function_name    TEXT NOT NULL,
            config           TEXT NOT NULL,
            last_modified    TEXT NOT NULL,
            UNIQUE (account, region, event_source_arn, function_name)
        ) WITHOUT ROWID;
        """;

    /// <summary>
    /// Version 10: built-in queues (SQS-compatible). Messages are rows in send order (their id is a FIFO queue's
    /// sequence number, never reused); a receive reads the queue's visible rows through (queue_id, visible_at), so it
    /// never scans other queues or invisible messages. FIFO deduplication ids are kept for their 5-minute window.
    /// </summary>
    private const string V10Queues = """
        CREATE TABLE queues (
            id          INTEGER PRIMARY KEY,
            account     TEXT    NOT NULL,
            region      TEXT    NOT NULL,
            name        TEXT    NOT NULL,
            attributes  TEXT    NOT NULL,
            tags        TEXT    NOT NULL,
            created_at  INTEGER NOT NULL,
            modified_at INTEGER NOT NULL,
            UNIQUE (account, region, name)
        );

        CREATE TABLE queue_messages (
            id               INTEGER PRIMARY KEY AUTOINCREMENT,
            queue_id         INTEGER NOT NULL,
            message_id       TEXT    NOT NULL,
            body             TEXT    NOT NULL,
            attributes       BLOB,
            md5_body         TEXT    NOT NULL,
            md5_attributes   TEXT,
            sent_at          INTEGER NOT NULL,
            sender_id        TEXT    NOT NULL,
            trace_header     TEXT,
            group_id         TEXT,
            dedup_id         TEXT,
            visible_at       INTEGER NOT NULL,
            receive_count    INTEGER NOT NULL DEFAULT 0,
            first_receive_at INTEGER,
            receipt          INTEGER
        );

        CREATE INDEX queue_messages_visible ON queue_messages (queue_id, visible_at);
        CREATE INDEX queue_messages_group ON queue_messages (queue_id, group_id, visible_at) WHERE group_id IS NOT NULL;

        CREATE TABLE queue_dedup (
            queue_id   INTEGER NOT NULL,
            dedup_key  TEXT    NOT NULL,
            message_id TEXT    NOT NULL,
            sequence   INTEGER NOT NULL,
            expires_at INTEGER NOT NULL,
            PRIMARY KEY (queue_id, dedup_key)
        ) WITHOUT ROWID;
        """;

    /// <summary>
    /// Version 11: IAM (users, roles, groups; access keys with encrypted secrets; inline and managed policies with
    /// versions; attachments; group membership) and STS's sessions. Names compare without regard to case, as IAM's.
    /// </summary>
    private const string V11Identity = """
        CREATE TABLE iam_entities (
            account    TEXT NOT NULL,
            kind       TEXT NOT NULL,
            name       TEXT NOT NULL COLLATE NOCASE,
            id         TEXT NOT NULL UNIQUE,
            entity     TEXT NOT NULL,
            PRIMARY KEY (account, kind, name)
        ) WITHOUT ROWID;

        CREATE TABLE iam_access_keys (
            access_key_id TEXT    NOT NULL PRIMARY KEY,
            account       TEXT    NOT NULL,
            user_name     TEXT    NOT NULL COLLATE NOCASE,
            secret        BLOB    NOT NULL,
            status        TEXT    NOT NULL,
            created_at    INTEGER NOT NULL
        ) WITHOUT ROWID;

        CREATE INDEX iam_access_keys_user ON iam_access_keys (account, user_name);

        CREATE TABLE iam_inline_policies (
            account     TEXT NOT NULL,
            kind        TEXT NOT NULL,
            entity_name TEXT NOT NULL COLLATE NOCASE,
            policy_name TEXT NOT NULL COLLATE NOCASE,
            document    TEXT NOT NULL,
            PRIMARY KEY (account, kind, entity_name, policy_name)
        ) WITHOUT ROWID;

        CREATE TABLE iam_policies (
            account         TEXT    NOT NULL,
            name            TEXT    NOT NULL COLLATE NOCASE,
            arn             TEXT    NOT NULL UNIQUE,
            id              TEXT    NOT NULL UNIQUE,
            path            TEXT    NOT NULL,
            description     TEXT,
            tags            TEXT    NOT NULL,
            default_version TEXT    NOT NULL,
            last_version    INTEGER NOT NULL,
            created_at      INTEGER NOT NULL,
            updated_at      INTEGER NOT NULL,
            PRIMARY KEY (account, name)
        ) WITHOUT ROWID;

        CREATE TABLE iam_policy_versions (
            policy_arn TEXT    NOT NULL,
            number     INTEGER NOT NULL,
            document   TEXT    NOT NULL,
            created_at INTEGER NOT NULL,
            PRIMARY KEY (policy_arn, number),
            FOREIGN KEY (policy_arn) REFERENCES iam_policies (arn) ON DELETE CASCADE
        ) WITHOUT ROWID;

        CREATE TABLE iam_attachments (
            account     TEXT NOT NULL,
            kind        TEXT NOT NULL,
            entity_name TEXT NOT NULL COLLATE NOCASE,
            policy_arn  TEXT NOT NULL,
            PRIMARY KEY (account, kind, entity_name, policy_arn)
        ) WITHOUT ROWID;

        CREATE INDEX iam_attachments_policy ON iam_attachments (policy_arn);

        CREATE TABLE iam_group_members (
            account    TEXT NOT NULL,
            group_name TEXT NOT NULL COLLATE NOCASE,
            user_name  TEXT NOT NULL COLLATE NOCASE,
            PRIMARY KEY (account, group_name, user_name)
        ) WITHOUT ROWID;

        CREATE INDEX iam_group_members_user ON iam_group_members (account, user_name);

        CREATE TABLE sts_sessions (
            access_key_id TEXT    NOT NULL PRIMARY KEY,
            account       TEXT    NOT NULL,
            principal_arn TEXT    NOT NULL,
            unique_id     TEXT    NOT NULL,
            secret        BLOB    NOT NULL,
            token         BLOB    NOT NULL,
            expires_at    INTEGER NOT NULL
        ) WITHOUT ROWID;

        CREATE INDEX sts_sessions_expiry ON sts_sessions (expires_at);
        """;

    /// <summary>
    /// Version 12: function policies, one row per qualifier ($LATEST, a version, an alias) with its statements as
    /// JSON; triggers delete a policy with its function, version or alias, whichever way that row goes.
    /// </summary>
    private const string V12FunctionPolicies = """
        CREATE TABLE function_policies (
            account       TEXT NOT NULL,
            region        TEXT NOT NULL,
            function_name TEXT NOT NULL,
            qualifier     TEXT NOT NULL,
            statements    TEXT NOT NULL,
            PRIMARY KEY (account, region, function_name, qualifier)
        ) WITHOUT ROWID;

        CREATE TRIGGER function_policies_function AFTER DELETE ON functions BEGIN
            DELETE FROM function_policies WHERE account = old.account AND region = old.region AND function_name = old.name;
        END;

        CREATE TRIGGER function_policies_version AFTER DELETE ON function_versions BEGIN
            DELETE FROM function_policies
            WHERE account = old.account AND region = old.region AND function_name = old.name AND qualifier = old.version;
        END;

        CREATE TRIGGER function_policies_alias AFTER DELETE ON function_aliases BEGIN
            DELETE FROM function_policies
            WHERE account = old.account AND region = old.region AND function_name = old.function_name AND qualifier = old.name;
        END;
        """;

    /// <summary>
    /// Version 13: CloudWatch Logs' model. Groups and streams are rows of their own (creation time, retention, tags,
    /// per-stream first/last event and stored bytes); events carry their group and stream ids and are indexed by
    /// (stream, timestamp) for GetLogEvents and by (group, timestamp) for FilterLogEvents over a whole group. The
    /// version 2 table's lines move over, each stream keeping its order.
    /// </summary>
    private const string V13LogGroups = """
        CREATE TABLE log_groups (
            id             INTEGER PRIMARY KEY,
            account        TEXT    NOT NULL,
            region         TEXT    NOT NULL,
            name           TEXT    NOT NULL,
            created_at     INTEGER NOT NULL,
            retention_days INTEGER,
            tags           TEXT    NOT NULL DEFAULT '{}',
            UNIQUE (account, region, name)
        );

        CREATE TABLE log_streams (
            id             INTEGER PRIMARY KEY,
            group_id       INTEGER NOT NULL,
            name           TEXT    NOT NULL,
            created_at     INTEGER NOT NULL,
            first_event    INTEGER,
            last_event     INTEGER,
            last_ingestion INTEGER,
            stored_bytes   INTEGER NOT NULL DEFAULT 0,
            UNIQUE (group_id, name)
        );

        CREATE INDEX log_streams_last_event ON log_streams (group_id, last_event);

        CREATE TABLE log_records (
            id        INTEGER PRIMARY KEY,
            group_id  INTEGER NOT NULL,
            stream_id INTEGER NOT NULL,
            timestamp INTEGER NOT NULL,
            ingestion INTEGER NOT NULL,
            message   TEXT    NOT NULL
        );

        CREATE INDEX log_records_stream ON log_records (stream_id, timestamp, id);
        CREATE INDEX log_records_group ON log_records (group_id, timestamp, id);

        INSERT INTO log_groups (account, region, name, created_at)
        SELECT account, region, log_group, MIN(timestamp) FROM log_events GROUP BY account, region, log_group;

        INSERT INTO log_streams (group_id, name, created_at, first_event, last_event, last_ingestion, stored_bytes)
        SELECT g.id, e.log_stream, MIN(e.timestamp), MIN(e.timestamp), MAX(e.timestamp), MAX(e.timestamp), SUM(length(CAST(e.message AS BLOB)))
        FROM log_events e JOIN log_groups g ON g.account = e.account AND g.region = e.region AND g.name = e.log_group
        GROUP BY g.id, e.log_stream;

        INSERT INTO log_records (group_id, stream_id, timestamp, ingestion, message)
        SELECT s.group_id, s.id, e.timestamp, e.timestamp, e.message
        FROM log_events e
        JOIN log_groups g ON g.account = e.account AND g.region = e.region AND g.name = e.log_group
        JOIN log_streams s ON s.group_id = g.id AND s.name = e.log_stream
        ORDER BY e.id;

        DROP TABLE log_events;
        """;

    /// <summary>
    /// Version 14: function URLs, one per function qualifier ($LATEST or an alias), found by their URL id. They go with
    /// their function (the foreign key) and with their alias (the trigger).
    /// </summary>
    private const string V14FunctionUrls = """
        CREATE TABLE IF NOT EXISTS function_urls (
            account       TEXT NOT NULL,
            region        TEXT NOT NULL,
            function_name TEXT NOT NULL,
            qualifier     TEXT NOT NULL,
            url_id        TEXT NOT NULL UNIQUE,
            config        TEXT NOT NULL,
            PRIMARY KEY (account, region, function_name, qualifier),
            FOREIGN KEY (account, region, function_name) REFERENCES functions (account, region, name) ON DELETE CASCADE
        ) WITHOUT ROWID;

        CREATE TRIGGER IF NOT EXISTS function_urls_alias_deleted AFTER DELETE ON function_aliases
        BEGIN
            DELETE FROM function_urls
            WHERE account = OLD.account AND region = OLD.region AND function_name = OLD.function_name AND qualifier = OLD.name;
        END;
        """;

    /// <summary>
    /// Version 15: metrics at 1-minute resolution (AWS/Lambda, AWS/SQS and users' own namespaces): one row per series
    /// (namespace, name, canonical dimensions) and its points; a minute may have several points (reads merge them).
    /// </summary>
    private const string V15Metrics = """
        CREATE TABLE IF NOT EXISTS metric_series (
            id          INTEGER PRIMARY KEY,
            account     TEXT    NOT NULL,
            region      TEXT    NOT NULL,
            namespace   TEXT    NOT NULL,
            name        TEXT    NOT NULL,
            dimensions  TEXT    NOT NULL,
            last_minute INTEGER NOT NULL,
            UNIQUE (account, region, namespace, name, dimensions)
        );

        CREATE TABLE IF NOT EXISTS metric_points (
            series_id    INTEGER NOT NULL REFERENCES metric_series (id) ON DELETE CASCADE,
            minute       INTEGER NOT NULL,
            unit         TEXT    NOT NULL,
            sample_count REAL    NOT NULL,
            sum          REAL    NOT NULL,
            minimum      REAL    NOT NULL,
            maximum      REAL    NOT NULL,
            buckets      BLOB
        );

        CREATE INDEX IF NOT EXISTS metric_points_series_minute ON metric_points (series_id, minute);
        CREATE INDEX IF NOT EXISTS metric_points_minute ON metric_points (minute);
        """;

    /// <summary>
    /// Version 16: the audit trail. Append-only: triggers refuse every UPDATE, and nothing but the retention sweep
    /// deletes (a resource row goes with its event). <c>seq</c> orders events as they were written (newest first in
    /// LookupEvents and its page tokens); <c>record</c> is the CloudTrail record, built once at write time.
    /// </summary>
    private const string V16Audit = """
        CREATE TABLE audit_events (
            seq           INTEGER PRIMARY KEY,
            event_id      TEXT    NOT NULL UNIQUE,
            account       TEXT    NOT NULL,
            region        TEXT    NOT NULL,
            event_time    INTEGER NOT NULL,
            event_source  TEXT    NOT NULL,
            event_name    TEXT    NOT NULL,
            read_only     INTEGER NOT NULL,
            management    INTEGER NOT NULL,
            username      TEXT,
            access_key_id TEXT,
            request_id    TEXT    NOT NULL,
            error_code    TEXT,
            record        TEXT    NOT NULL
        );

        CREATE INDEX audit_events_time ON audit_events (account, event_time);
        CREATE INDEX audit_events_name ON audit_events (account, event_name);

        CREATE TABLE audit_resources (
            seq  INTEGER NOT NULL REFERENCES audit_events (seq) ON DELETE CASCADE,
            type TEXT    NOT NULL,
            name TEXT    NOT NULL,
            arn  TEXT    NOT NULL
        );

        CREATE INDEX audit_resources_seq ON audit_resources (seq);
        CREATE INDEX audit_resources_name ON audit_resources (name);

        CREATE TRIGGER audit_events_append_only BEFORE UPDATE ON audit_events
        BEGIN
            SELECT RAISE(ABORT, 'the audit trail is append-only');
        END;

        CREATE TRIGGER audit_resources_append_only BEFORE UPDATE ON audit_resources
        BEGIN
            SELECT RAISE(ABORT, 'the audit trail is append-only');
        END;
        """;

    public static IReadOnlyList<string> Scripts { get; } =
    [
        V1Functions, V2Logs, V3AsyncInvocations, V4VersionsAndAliases, V5ProvisionedConcurrency, V6EventInvokeConfigs, V7Layers,
        V8FunctionConcurrency, V9EventSourceMappings, V10Queues, V11Identity, V12FunctionPolicies, V13LogGroups, V14FunctionUrls,
        V15Metrics,
        V16Audit,
    ];
}
