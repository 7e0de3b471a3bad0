// SPDX-License-Identifier: Apache-2.0
using Nimbus.Core.Arns;
using Nimbus.Core.Metrics;
using Nimbus.Storage.Sqlite;
using Nimbus.Storage.Tests.Sqlite;

namespace Nimbus.Storage.Tests.Metrics;

public sealed class SqliteMetricStoreTests : IAsyncLifetime
{
    private static readonly Scope Scope = new("000000000000", "us-east-1");
    private readonly TempDirectory _directory = new();
    private SqliteDatabase _database = null!;
    private SqliteMetricStore _store = null!;

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        _database = SqliteStores.OpenDatabase(_directory.Path);
        await _database.MigrateAsync(Token);
        _store = new SqliteMetricStore(_database);
    }

    public ValueTask DisposeAsync()
    {
        _database.Dispose();
        _directory.Dispose();
        return ValueTask.CompletedTask;
    }

    [Fact]
    public async Task Read_ReturnsPointsOfTheSeriesInTheSpan_WithTheirHistograms()
    {
        var series = MetricSeries.Of(Scope, "AWS/Lambda", "Duration", [new MetricDimension("FunctionName", "f")]);
        var other = MetricSeries.Of(Scope, "AWS/Lambda", "Duration", [new MetricDimension("FunctionName", "g")]);
        await _store.AppendAsync([Point(series, 0, 5, 7), Point(series, 60_000, 9), Point(other, 0, 1), Point(series, 120_000, 3)], Token);

        var points = await _store.ReadAsync(series, 0, 120_000, Token);

        Assert.Equal([0L, 60_000L], points.Select(p => p.Minute));
        Assert.Equal(2, points[0].Value.SampleCount);
        Assert.Equal(12, points[0].Value.Sum);
        Assert.Equal(5, points[0].Value.Minimum);
        Assert.Equal(7, points[0].Value.Maximum);
        Assert.Equal(Point(series, 0, 5, 7).Value.Percentile(50), points[0].Value.Percentile(50));
        Assert.Equal("Milliseconds", points[0].Unit);
    }

    [Fact]
    public async Task List_FiltersByNamespaceNameAndActivity()
    {
        var old = MetricSeries.Of(Scope, "Mine", "Old", []);
        var recent = MetricSeries.Of(Scope, "Mine", "Recent", [new MetricDimension("A", "1")]);
        await _store.AppendAsync([Point(old, 0, 1), Point(recent, 600_000, 1), Point(MetricSeries.Of(new Scope("111111111111", "us-east-1"), "Mine", "Old", []), 0, 1)], Token);

        Assert.Equal([old, recent], await _store.ListAsync(Scope, "Mine", null, null, Token));
        Assert.Equal([recent], await _store.ListAsync(Scope, null, null, 300_000, Token));
        Assert.Equal([old], await _store.ListAsync(Scope, "Mine", "Old", null, Token));
    }

    [Fact]
    public async Task Sweep_DeletesPastRetention_ThenTheOldestBeyondTheCap()
    {
        var series = MetricSeries.Of(Scope, "Mine", "M", []);
        var gone = MetricSeries.Of(Scope, "Mine", "Gone", []);
        await _store.AppendAsync([Point(gone, 0, 1), Point(series, 60_000, 1), Point(series, 120_000, 1), Point(series, 180_000, 1), Point(series, 240_000, 1)], Token);

        var deleted = await _store.SweepAsync(before: 60_000, maxPoints: 2, Token);

        Assert.Equal(3, deleted);
        Assert.Equal([180_000L, 240_000L], (await _store.ReadAsync(series, 0, long.MaxValue, Token)).Select(p => p.Minute));
        Assert.Equal([series], await _store.ListAsync(Scope, "Mine", null, null, Token));
    }

    private static MetricPoint Point(MetricSeries series, long minute, params double[] values)
    {
        var aggregate = MetricAggregate.Distribution();
        foreach (var value in values)
        {
            aggregate.Add(value);
        }

        return new MetricPoint(series, minute, "Milliseconds", aggregate);
    }
}
