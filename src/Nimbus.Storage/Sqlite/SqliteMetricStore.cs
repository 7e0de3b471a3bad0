// SPDX-License-Identifier: Apache-2.0
using System.Buffers.Binary;
using Microsoft.Data.Sqlite;
using Nimbus.Core.Arns;
using Nimbus.Core.Metrics;
using Nimbus.Core.Storage;
using static Nimbus.Storage.Sqlite.SqliteData;

namespace Nimbus.Storage.Sqlite;

/// <summary>
/// Metric points in <c>metric_series</c>/<c>metric_points</c>. Histograms are stored sparse: for each bucket with a
/// count, its index (2 bytes) and count (8 bytes), little-endian. Points are written without an fsync of their own
/// (as logs are): a crash loses at most the last minutes' figures, never acknowledged state.
/// </summary>
internal sealed class SqliteMetricStore(SqliteDatabase db) : IMetricStore
{
    private const int BucketEntryBytes = 10;

    public Task AppendAsync(IReadOnlyList<MetricPoint> points, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(points);
        if (points.Count == 0)
        {
            return Task.CompletedTask;
        }

        return db.WriteAsync(
            async (connection, transaction, ct) =>
            {
                await using var upsert = CreateCommand(
                    connection,
                    transaction,
                    """
                    INSERT INTO metric_series (account, region, namespace, name, dimensions, last_minute)
                    VALUES (@account, @region, @namespace, @name, @dimensions, @minute)
                    ON CONFLICT (account, region, namespace, name, dimensions) DO UPDATE SET last_minute = MAX(last_minute, excluded.last_minute)
                    RETURNING id
                    """);
                var account = upsert.Parameters.Add("@account", SqliteType.Text);
                var region = upsert.Parameters.Add("@region", SqliteType.Text);
                var ns = upsert.Parameters.Add("@namespace", SqliteType.Text);
                var name = upsert.Parameters.Add("@name", SqliteType.Text);
                var dimensions = upsert.Parameters.Add("@dimensions", SqliteType.Text);
                var seriesMinute = upsert.Parameters.Add("@minute", SqliteType.Integer);

                await using var insert = CreateCommand(
                    connection,
                    transaction,
                    """
                    INSERT INTO metric_points (series_id, minute, unit, sample_count, sum, minimum, maximum, buckets)
                    VALUES (@series, @minute, @unit, @count, @sum, @minimum, @maximum, @buckets)
                    """);
                var series = insert.Parameters.Add("@series", SqliteType.Integer);
                var minute = insert.Parameters.Add("@minute", SqliteType.Integer);
                var unit = insert.Parameters.Add("@unit", SqliteType.Text);
                var count = insert.Parameters.Add("@count", SqliteType.Real);
                var sum = insert.Parameters.Add("@sum", SqliteType.Real);
                var minimum = insert.Parameters.Add("@minimum", SqliteType.Real);
                var maximum = insert.Parameters.Add("@maximum", SqliteType.Real);
                var buckets = insert.Parameters.Add("@buckets", SqliteType.Blob);

                foreach (var point in points)
                {
                    account.Value = point.Series.Scope.Account;
                    region.Value = point.Series.Scope.Region;
                    ns.Value = point.Series.Namespace;
                    name.Value = point.Series.MetricName;
                    dimensions.Value = point.Series.Dimensions;
                    seriesMinute.Value = point.Minute;
                    series.Value = await upsert.ExecuteScalarAsync(ct);
                    minute.Value = point.Minute;
                    unit.Value = point.Unit;
                    count.Value = point.Value.SampleCount;
                    sum.Value = point.Value.Sum;
                    minimum.Value = point.Value.Minimum;
                    maximum.Value = point.Value.Maximum;
                    buckets.Value = (object?)Encode(point.Value.Buckets) ?? DBNull.Value;
                    await insert.ExecuteNonQueryAsync(ct);
                }

                return points.Count;
            },
            cancellationToken,
            durable: false);
    }

    public async Task<IReadOnlyList<MetricPoint>> ReadAsync(MetricSeries series, long fromMinute, long toMinute, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(series);
        return await db.QueryAsync(
            """
            SELECT p.minute, p.unit, p.sample_count, p.sum, p.minimum, p.maximum, p.buckets
            FROM metric_series s JOIN metric_points p ON p.series_id = s.id
            WHERE s.account = @account AND s.region = @region AND s.namespace = @namespace AND s.name = @name AND s.dimensions = @dimensions
              AND p.minute >= @from AND p.minute < @to
            ORDER BY p.minute
            """,
            command =>
            {
                command.Parameters.AddWithValue("@account", series.Scope.Account);
                command.Parameters.AddWithValue("@region", series.Scope.Region);
                command.Parameters.AddWithValue("@namespace", series.Namespace);
                command.Parameters.AddWithValue("@name", series.MetricName);
                command.Parameters.AddWithValue("@dimensions", series.Dimensions);
                command.Parameters.AddWithValue("@from", fromMinute);
                command.Parameters.AddWithValue("@to", toMinute);
            },
            reader => new MetricPoint(
                series,
                reader.GetInt64(0),
                reader.GetString(1),
                MetricAggregate.Of(reader.GetDouble(2), reader.GetDouble(3), reader.GetDouble(4), reader.GetDouble(5), reader.IsDBNull(6) ? null : Decode((byte[])reader.GetValue(6)))),
            cancellationToken);
    }

    public async Task<IReadOnlyList<MetricSeries>> ListAsync(Scope scope, string? ns, string? metricName, long? activeSince, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(scope);
        return await db.QueryAsync(
            """
            SELECT namespace, name, dimensions FROM metric_series
            WHERE account = @account AND region = @region
              AND (@namespace IS NULL OR namespace = @namespace) AND (@name IS NULL OR name = @name)
              AND (@since IS NULL OR last_minute >= @since)
            ORDER BY namespace, name, dimensions
            """,
            command =>
            {
                command.Parameters.AddWithValue("@account", scope.Account);
                command.Parameters.AddWithValue("@region", scope.Region);
                command.Parameters.AddWithValue("@namespace", (object?)ns ?? DBNull.Value);
                command.Parameters.AddWithValue("@name", (object?)metricName ?? DBNull.Value);
                command.Parameters.AddWithValue("@since", (object?)activeSince ?? DBNull.Value);
            },
            reader => new MetricSeries(scope, reader.GetString(0), reader.GetString(1), reader.GetString(2)),
            cancellationToken);
    }

    public Task<long> SweepAsync(long before, long maxPoints, CancellationToken cancellationToken) =>
        db.WriteAsync(
            async (connection, transaction, ct) =>
            {
                long deleted = 0;
                await using (var old = CreateCommand(connection, transaction, "DELETE FROM metric_points WHERE minute < @before"))
                {
                    old.Parameters.AddWithValue("@before", before);
                    deleted += await old.ExecuteNonQueryAsync(ct);
                }

                await using (var excess = CreateCommand(
                    connection,
                    transaction,
                    """
                    DELETE FROM metric_points WHERE rowid IN (
                        SELECT rowid FROM metric_points ORDER BY minute
                        LIMIT MAX(0, (SELECT COUNT(*) FROM metric_points) - @max))
                    """))
                {
                    excess.Parameters.AddWithValue("@max", maxPoints);
                    deleted += await excess.ExecuteNonQueryAsync(ct);
                }

                if (deleted > 0)
                {
                    await ExecuteAsync(connection, transaction, "DELETE FROM metric_series WHERE NOT EXISTS (SELECT 1 FROM metric_points WHERE series_id = metric_series.id)", ct);
                }

                return deleted;
            },
            cancellationToken,
            durable: false);

    private static byte[]? Encode(long[]? buckets)
    {
        if (buckets is null)
        {
            return null;
        }

        var used = 0;
        foreach (var count in buckets)
        {
            used += count != 0 ? 1 : 0;
        }

        var bytes = new byte[used * BucketEntryBytes];
        var offset = 0;
        for (var i = 0; i < buckets.Length; i++)
        {
            if (buckets[i] != 0)
            {
                BinaryPrimitives.WriteInt16LittleEndian(bytes.AsSpan(offset), (short)i);
                BinaryPrimitives.WriteInt64LittleEndian(bytes.AsSpan(offset + 2), buckets[i]);
                offset += BucketEntryBytes;
            }
        }

        return bytes;
    }

    private static long[] Decode(byte[] bytes)
    {
        var buckets = new long[MetricHistogram.Count];
        for (var offset = 0; offset + BucketEntryBytes <= bytes.Length; offset += BucketEntryBytes)
        {
            var index = BinaryPrimitives.ReadInt16LittleEndian(bytes.AsSpan(offset));
            if (index >= 0 && index < buckets.Length)
            {
                buckets[index] += BinaryPrimitives.ReadInt64LittleEndian(bytes.AsSpan(offset + 2));
            }
        }

        return buckets;
    }
}
