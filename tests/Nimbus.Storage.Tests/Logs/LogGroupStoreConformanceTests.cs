// SPDX-License-Identifier: Apache-2.0
using Nimbus.Core.Logs;
using Nimbus.Core.Storage;
using static Nimbus.Storage.Tests.TestFunctions;

namespace Nimbus.Storage.Tests.Logs;

/// <summary>What every <see cref="ILogGroupStore"/> must do (with the <see cref="ILogStore"/> the invoke path writes through).</summary>
public abstract class LogGroupStoreConformanceTests : IAsyncLifetime
{
    private const long T0 = 1_700_000_000_000;
    private (IStoreSchema Schema, ILogStore Writer, ILogGroupStore Groups)? _stores;

    protected static CancellationToken Token => TestContext.Current.CancellationToken;

    private ILogGroupStore Groups => _stores?.Groups ?? throw new InvalidOperationException("InitializeAsync has not run.");

    private ILogStore Writer => _stores?.Writer ?? throw new InvalidOperationException("InitializeAsync has not run.");

    public async ValueTask InitializeAsync()
    {
        _stores = CreateStores();
        await _stores.Value.Schema.MigrateAsync(Token);
    }

    public async ValueTask DisposeAsync()
    {
        if (_stores?.Schema is IDisposable disposable)
        {
            disposable.Dispose();
        }

        await DisposeStorageAsync();
        GC.SuppressFinalize(this);
    }

    protected abstract (IStoreSchema Schema, ILogStore Writer, ILogGroupStore Groups) CreateStores();

    protected abstract ValueTask DisposeStorageAsync();

    [Fact]
    public async Task CreateGroupAsync_Twice_SecondFails_AndKeepsTheFirst()
    {
        Assert.True(await Groups.CreateGroupAsync(ScopeA, "/app/one", T0, new Dictionary<string, string> { ["team"] = "a" }, Token));
        Assert.False(await Groups.CreateGroupAsync(ScopeA, "/app/one", T0 + 5, new Dictionary<string, string>(), Token));
        Assert.True(await Groups.CreateGroupAsync(ScopeB, "/app/one", T0, new Dictionary<string, string>(), Token));

        var group = await Groups.GetGroupAsync(ScopeA, "/app/one", Token);

        Assert.NotNull(group);
        Assert.Equal(T0, group.CreationTime);
        Assert.Equal("a", group.Tags["team"]);
        Assert.Null(group.RetentionInDays);
    }

    [Fact]
    public async Task ListGroupsAsync_FiltersByPrefixOrSubstring_AndPagesByName()
    {
        foreach (var name in new[] { "/aws/lambda/b", "/aws/lambda/a", "/app/Orders", "other" })
        {
            await Groups.CreateGroupAsync(ScopeA, name, T0, new Dictionary<string, string>(), Token);
        }

        var first = await Groups.ListGroupsAsync(ScopeA, new LogGroupQuery { Limit = 2 }, Token);
        var rest = await Groups.ListGroupsAsync(ScopeA, new LogGroupQuery { Limit = 2, After = first[1].Name }, Token);
        var prefixed = await Groups.ListGroupsAsync(ScopeA, new LogGroupQuery { Prefix = "/aws/lambda/" }, Token);
        var containing = await Groups.ListGroupsAsync(ScopeA, new LogGroupQuery { Contains = "ORDER" }, Token);

        Assert.Equal(["/app/Orders", "/aws/lambda/a", "/aws/lambda/b"], first.Select(g => g.Name));
        Assert.Equal(["/aws/lambda/b", "other"], rest.Select(g => g.Name));
        Assert.Equal(["/aws/lambda/a", "/aws/lambda/b"], prefixed.Select(g => g.Name));
        Assert.Equal(["/app/Orders"], containing.Select(g => g.Name));
        Assert.Empty(await Groups.ListGroupsAsync(ScopeB, new LogGroupQuery(), Token));
    }

    [Fact]
    public async Task AppendAsync_CreatesTheFunctionsGroupAndStream_WithTheirFigures()
    {
        var at = DateTimeOffset.FromUnixTimeMilliseconds(T0);
        await Writer.AppendAsync([new LogBatch(ScopeA, "/aws/lambda/f", "2026/12/03/[$LATEST]abc", [new LogEvent(at, "START"), new LogEvent(at.AddSeconds(1), "héllo")])], Token);

        var group = await Groups.GetGroupAsync(ScopeA, "/aws/lambda/f", Token);
        var page = await Groups.ListStreamsAsync(ScopeA, "/aws/lambda/f", new LogStreamQuery(), Token);

        Assert.NotNull(group);
        Assert.Equal(11, group.StoredBytes);
        var stream = Assert.Single(page.Streams);
        Assert.Equal("2026/12/03/[$LATEST]abc", stream.Name);
        Assert.Equal(T0, stream.FirstEventTimestamp);
        Assert.Equal(T0 + 1000, stream.LastEventTimestamp);
        Assert.NotNull(stream.LastIngestionTime);
    }

    [Fact]
    public async Task AppendAsync_ManyLinesOfManyInvocationsInOneWrite_KeepsEveryLineInOrderPerStream()
    {
        // More lines than one INSERT statement carries, in batches that interleave two streams, plus a remainder.
        var at = DateTimeOffset.FromUnixTimeMilliseconds(T0);
        var batches = Enumerable.Range(0, 70)
            .Select(i => new LogBatch(ScopeA, "/aws/lambda/f", i % 2 == 0 ? "even" : "odd", [new LogEvent(at, $"START {i}"), new LogEvent(at, $"END {i}"), new LogEvent(at.AddMilliseconds(i), $"REPORT {i}")]))
            .ToList();

        await Writer.AppendAsync(batches, Token);

        var even = await Groups.GetEventsAsync(ScopeA, "/aws/lambda/f", "even", new LogEventRange { Limit = 10_000 }, Token);
        var odd = await Groups.GetEventsAsync(ScopeA, "/aws/lambda/f", "odd", new LogEventRange { Limit = 10_000 }, Token);
        var streams = await Groups.ListStreamsAsync(ScopeA, "/aws/lambda/f", new LogStreamQuery(), Token);
        Assert.Equal(batches.Where((_, i) => i % 2 == 0).SelectMany(b => b.Events).OrderBy(e => e.Timestamp).Select(e => e.Message), even.Events.Select(e => e.Message));
        Assert.Equal(105, odd.Events.Count);
        Assert.Equal(T0 + 69, streams.Streams.Single(s => s.Name == "odd").LastEventTimestamp);
    }

    [Fact]
    public async Task Streams_CreateDeleteAndStatuses()
    {
        Assert.Equal(LogStreamStatus.GroupMissing, await Groups.CreateStreamAsync(ScopeA, "g", "s", T0, Token));
        await Groups.CreateGroupAsync(ScopeA, "g", T0, new Dictionary<string, string>(), Token);
        Assert.Equal(LogStreamStatus.Done, await Groups.CreateStreamAsync(ScopeA, "g", "s", T0, Token));
        Assert.Equal(LogStreamStatus.AlreadyExists, await Groups.CreateStreamAsync(ScopeA, "g", "s", T0, Token));
        Assert.Equal(LogStreamStatus.StreamMissing, await Groups.PutEventsAsync(ScopeA, "g", "nope", [new LogEvent(DateTimeOffset.FromUnixTimeMilliseconds(T0), "x")], T0, Token));
        Assert.Equal(LogStreamStatus.StreamMissing, await Groups.DeleteStreamAsync(ScopeA, "g", "nope", Token));
        Assert.Equal(LogStreamStatus.Done, await Groups.DeleteStreamAsync(ScopeA, "g", "s", Token));
        Assert.Empty((await Groups.ListStreamsAsync(ScopeA, "g", new LogStreamQuery(), Token)).Streams);
        Assert.True(await Groups.DeleteGroupAsync(ScopeA, "g", Token));
        Assert.False(await Groups.DeleteGroupAsync(ScopeA, "g", Token));
        Assert.Equal(LogStreamStatus.GroupMissing, (await Groups.ListStreamsAsync(ScopeA, "g", new LogStreamQuery(), Token)).Status);
    }

    [Fact]
    public async Task ListStreamsAsync_OrdersByNameOrLastEvent_BothWays_InPages()
    {
        await Groups.CreateGroupAsync(ScopeA, "g", T0, new Dictionary<string, string>(), Token);
        foreach (var (name, last) in new[] { ("b", 3), ("a", 1), ("c", 2), ("d", 0) })
        {
            await Groups.CreateStreamAsync(ScopeA, "g", name, T0, Token);
            if (last > 0)
            {
                await Groups.PutEventsAsync(ScopeA, "g", name, [new LogEvent(DateTimeOffset.FromUnixTimeMilliseconds(T0 + last), name)], T0, Token);
            }
        }

        async Task<List<string>> AllAsync(LogStreamQuery query)
        {
            var names = new List<string>();
            string? next = null;
            do
            {
                var page = await Groups.ListStreamsAsync(ScopeA, "g", query with { After = next, Limit = 1 }, Token);
                names.AddRange(page.Streams.Select(s => s.Name));
                next = page.Next;
            }
            while (next is not null);
            return names;
        }

        Assert.Equal(["a", "b", "c", "d"], await AllAsync(new LogStreamQuery()));
        Assert.Equal(["d", "c", "b", "a"], await AllAsync(new LogStreamQuery { Descending = true }));
        Assert.Equal(["d", "a", "c", "b"], await AllAsync(new LogStreamQuery { OrderByLastEventTime = true }));
        Assert.Equal(["b", "c", "a", "d"], await AllAsync(new LogStreamQuery { OrderByLastEventTime = true, Descending = true }));
        Assert.Equal(["c"], await AllAsync(new LogStreamQuery { Prefix = "c" }));
    }

    [Fact]
    public async Task GetEventsAsync_PagesForwardAndBackward_WithinTheTimeRange()
    {
        await Groups.CreateGroupAsync(ScopeA, "g", T0, new Dictionary<string, string>(), Token);
        await Groups.CreateStreamAsync(ScopeA, "g", "s", T0, Token);
        var events = Enumerable.Range(0, 10).Select(i => new LogEvent(DateTimeOffset.FromUnixTimeMilliseconds(T0 + (i / 2)), $"e{i}")).ToList();
        await Groups.PutEventsAsync(ScopeA, "g", "s", events, T0, Token);

        var head = await Groups.GetEventsAsync(ScopeA, "g", "s", new LogEventRange { Limit = 3 }, Token);
        var next = await Groups.GetEventsAsync(ScopeA, "g", "s", new LogEventRange { Limit = 3, After = head.Events[^1].Cursor }, Token);
        var tail = await Groups.GetEventsAsync(ScopeA, "g", "s", new LogEventRange { Limit = 3, FromTail = true }, Token);
        var back = await Groups.GetEventsAsync(ScopeA, "g", "s", new LogEventRange { Limit = 3, Before = tail.Events[0].Cursor }, Token);
        var window = await Groups.GetEventsAsync(ScopeA, "g", "s", new LogEventRange { StartTime = T0 + 1, EndTime = T0 + 2 }, Token);

        Assert.Equal(["e0", "e1", "e2"], head.Events.Select(e => e.Message));
        Assert.Equal(["e3", "e4", "e5"], next.Events.Select(e => e.Message));
        Assert.Equal(["e7", "e8", "e9"], tail.Events.Select(e => e.Message));
        Assert.Equal(["e4", "e5", "e6"], back.Events.Select(e => e.Message));
        Assert.Equal(["e2", "e3", "e4", "e5"], window.Events.Select(e => e.Message));
        Assert.Equal(LogStreamStatus.StreamMissing, (await Groups.GetEventsAsync(ScopeA, "g", "x", new LogEventRange(), Token)).Status);
    }

    [Fact]
    public async Task FilterEventsAsync_TextRequiredUnlessUnicodeEscaped_KeepsEventsWithEscapes()
    {
        await Groups.CreateGroupAsync(ScopeA, "g", T0, new Dictionary<string, string>(), Token);
        await Groups.CreateStreamAsync(ScopeA, "g", "s", T0, Token);
        await Groups.PutEventsAsync(ScopeA, "g", "s", [Event(1, "{\"level\": \"ERROR\"}"), Event(2, "{\"level\": \"\\u0045RROR\"}"), Event(3, "{\"level\": \"INFO\"}")], T0, Token);

        // What FilterLogEvents asks for { $.level = "ERROR" }: the matcher decides about the events the store keeps.
        var kept = await Groups.FilterEventsAsync(ScopeA, "g", new LogFilterQuery { RequiredSubstrings = ["ERROR"], RequiredUnlessUnicodeEscaped = true }, _ => true, Token);
        var plain = await Groups.FilterEventsAsync(ScopeA, "g", new LogFilterQuery { RequiredSubstrings = ["ERROR"] }, _ => true, Token);

        Assert.Equal([T0 + 1, T0 + 2], kept.Events.Select(e => e.Timestamp));
        Assert.Equal([T0 + 1], plain.Events.Select(e => e.Timestamp));
    }

    [Fact]
    public async Task FilterEventsAsync_InterleavesStreams_MatchesAndPages()
    {
        await Groups.CreateGroupAsync(ScopeA, "g", T0, new Dictionary<string, string>(), Token);
        foreach (var stream in new[] { "s1", "s2", "t1" })
        {
            await Groups.CreateStreamAsync(ScopeA, "g", stream, T0, Token);
        }

        await Groups.PutEventsAsync(ScopeA, "g", "s1", [Event(1, "ERROR one"), Event(4, "INFO four")], T0, Token);
        await Groups.PutEventsAsync(ScopeA, "g", "s2", [Event(2, "ERROR two"), Event(3, "ERROR three")], T0, Token);
        await Groups.PutEventsAsync(ScopeA, "g", "t1", [Event(0, "ERROR zero")], T0, Token);

        var all = await Groups.FilterEventsAsync(ScopeA, "g", new LogFilterQuery(), _ => true, Token);
        var errors = await Groups.FilterEventsAsync(ScopeA, "g", new LogFilterQuery { RequiredSubstrings = ["ERROR"] }, m => m.Contains("ERROR", StringComparison.Ordinal), Token);
        var prefixed = await Groups.FilterEventsAsync(ScopeA, "g", new LogFilterQuery { StreamPrefix = "s" }, _ => true, Token);
        var named = await Groups.FilterEventsAsync(ScopeA, "g", new LogFilterQuery { StreamNames = ["t1", "s2"], StartTime = T0 + 1, EndTime = T0 + 2 }, _ => true, Token);
        var newestFirst = await Groups.FilterEventsAsync(ScopeA, "g", new LogFilterQuery { Descending = true, Limit = 2 }, _ => true, Token);

        Assert.Equal(["ERROR zero", "ERROR one", "ERROR two", "ERROR three", "INFO four"], all.Events.Select(e => e.Message));
        Assert.Equal(["t1", "s1", "s2", "s2", "s1"], all.Events.Select(e => e.Stream));
        Assert.Null(all.Next);
        Assert.Equal(4, errors.Events.Count);
        Assert.Equal(["s1", "s2"], prefixed.SearchedStreams);
        Assert.Equal(["ERROR two"], named.Events.Select(e => e.Message));
        Assert.Equal(["INFO four", "ERROR three"], newestFirst.Events.Select(e => e.Message));

        var pages = new List<string>();
        LogCursor? after = null;
        var count = 0;
        do
        {
            var page = await Groups.FilterEventsAsync(ScopeA, "g", new LogFilterQuery { After = after, Limit = 2 }, _ => true, Token);
            pages.AddRange(page.Events.Select(e => e.Message));
            after = page.Next;
            count++;
        }
        while (after is not null && count < 10);
        Assert.Equal(all.Events.Select(e => e.Message), pages);
        Assert.False((await Groups.FilterEventsAsync(ScopeA, "missing", new LogFilterQuery(), _ => true, Token)).GroupFound);
    }

    [Fact]
    public async Task DeleteExpiredAsync_DropsEventsPastRetention_AndRecountsBytes()
    {
        const long day = 86_400_000;
        var now = T0 + (10 * day);
        await Groups.CreateGroupAsync(ScopeA, "kept", T0, new Dictionary<string, string>(), Token);
        await Groups.CreateGroupAsync(ScopeA, "short", T0, new Dictionary<string, string>(), Token);
        foreach (var group in new[] { "kept", "short" })
        {
            await Groups.CreateStreamAsync(ScopeA, group, "s", T0, Token);
            await Groups.PutEventsAsync(ScopeA, group, "s", [Event(0, "old"), Event(9 * day, "new")], T0, Token);
        }

        Assert.True(await Groups.SetRetentionAsync(ScopeA, "short", 5, Token));
        Assert.False(await Groups.SetRetentionAsync(ScopeA, "missing", 5, Token));

        Assert.Equal(1, await Groups.DeleteExpiredAsync(now, Token));

        Assert.Equal(["new"], (await Groups.GetEventsAsync(ScopeA, "short", "s", new LogEventRange(), Token)).Events.Select(e => e.Message));
        Assert.Equal(2, (await Groups.GetEventsAsync(ScopeA, "kept", "s", new LogEventRange(), Token)).Events.Count);
        Assert.Equal(3, (await Groups.GetGroupAsync(ScopeA, "short", Token))!.StoredBytes);
        Assert.Equal(5, (await Groups.GetGroupAsync(ScopeA, "short", Token))!.RetentionInDays);
    }

    [Fact]
    public async Task TrimGroupsAsync_OverTheCap_DropsTheOldestEventsAcrossStreams_AndRecountsBytes()
    {
        await Groups.CreateGroupAsync(ScopeA, "big", T0, new Dictionary<string, string>(), Token);
        await Groups.CreateGroupAsync(ScopeA, "small", T0, new Dictionary<string, string>(), Token);
        await Groups.CreateStreamAsync(ScopeA, "big", "a", T0, Token);
        await Groups.CreateStreamAsync(ScopeA, "big", "b", T0, Token);
        await Groups.CreateStreamAsync(ScopeA, "small", "a", T0, Token);

        // Ten 10-byte events, interleaved by time across two streams: 100 bytes in "big", 20 in "small".
        await Groups.PutEventsAsync(ScopeA, "big", "a", [Event(1, "event-0001"), Event(3, "event-0003"), Event(5, "event-0005"), Event(7, "event-0007"), Event(9, "event-0009")], T0, Token);
        await Groups.PutEventsAsync(ScopeA, "big", "b", [Event(2, "event-0002"), Event(4, "event-0004"), Event(6, "event-0006"), Event(8, "event-0008"), Event(10, "event-0010")], T0, Token);
        await Groups.PutEventsAsync(ScopeA, "small", "a", [Event(0, "event-0000"), Event(0, "event-0000")], T0, Token);

        var trims = await Groups.TrimGroupsAsync(maxBytes: 50, targetBytes: 45, Token);

        var trim = Assert.Single(trims);
        Assert.Equal(new LogGroupTrim(ScopeA.Account, ScopeA.Region, "big", 6, 60), trim);
        var left = await Groups.FilterEventsAsync(ScopeA, "big", new LogFilterQuery(), _ => true, Token);
        Assert.Equal(["event-0007", "event-0008", "event-0009", "event-0010"], left.Events.Select(e => e.Message));
        Assert.Equal(40, (await Groups.GetGroupAsync(ScopeA, "big", Token))!.StoredBytes);
        Assert.Equal(20, (await Groups.GetGroupAsync(ScopeA, "small", Token))!.StoredBytes);
        var streams = await Groups.ListStreamsAsync(ScopeA, "big", new LogStreamQuery(), Token);
        Assert.Equal([(T0 + 7, 20L), (T0 + 8, 20L)], streams.Streams.Select(s => (s.FirstEventTimestamp!.Value, s.StoredBytes)));
        Assert.Empty(await Groups.TrimGroupsAsync(maxBytes: 50, targetBytes: 45, Token));
    }

    [Fact]
    public async Task SetTagsAsync_ReplacesTheGroupsTags()
    {
        await Groups.CreateGroupAsync(ScopeA, "g", T0, new Dictionary<string, string> { ["a"] = "1" }, Token);

        Assert.True(await Groups.SetTagsAsync(ScopeA, "g", new Dictionary<string, string> { ["b"] = "2" }, Token));
        Assert.False(await Groups.SetTagsAsync(ScopeA, "missing", new Dictionary<string, string>(), Token));

        Assert.Equal(new Dictionary<string, string> { ["b"] = "2" }, (await Groups.GetGroupAsync(ScopeA, "g", Token))!.Tags);
    }

    private static LogEvent Event(long offset, string message) => new(DateTimeOffset.FromUnixTimeMilliseconds(T0 + offset), message);
}
