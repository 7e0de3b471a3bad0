// SPDX-License-Identifier: Apache-2.0
using Microsoft.Data.Sqlite;
using Nimbus.Core.Audit;
using Nimbus.Storage.Sqlite;

namespace Nimbus.Storage.Tests.Sqlite;

/// <summary>The audit trail in SQLite: appended, looked up newest first by one attribute and time, paged, never updated, swept by age.</summary>
public sealed class SqliteAuditStoreTests : IAsyncLifetime
{
    private static readonly DateTimeOffset T0 = new(2026, 1, 10, 12, 0, 0, TimeSpan.Zero);

    private readonly TempDirectory _directory = new();
    private SqliteDatabase _database = null!; // Set in InitializeAsync.
    private SqliteAuditStore _store = null!; // Set in InitializeAsync.

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        _database = SqliteStores.OpenDatabase(_directory.Path);
        await _database.MigrateAsync(Token);
        _store = new SqliteAuditStore(_database);
    }

    public ValueTask DisposeAsync()
    {
        _database.Dispose();
        _directory.Dispose();
        return ValueTask.CompletedTask;
    }

    private static AuditEvent Event(string name, int minute, string user = "root", string account = "000000000000", string? function = null) =>
        AuditRecord.Build(new AuditEvent
        {
            EventId = Guid.NewGuid().ToString(),
            EventTime = T0.AddMinutes(minute),
            Account = account,
            Region = "us-east-1",
            EventSource = "lambda.amazonaws.com",
            EventName = name,
            ReadOnly = name.StartsWith("Get", StringComparison.Ordinal),
            Management = true,
            RequestId = Guid.NewGuid().ToString(),
            PrincipalArn = $"arn:aws:iam::{account}:root",
            Username = user,
            AccessKeyId = "AKIAEXAMPLE",
            Resources = function is null ? [] : [new AuditResource("AWS::Lambda::Function", function, $"arn:aws:lambda:us-east-1:{account}:function:{function}")],
        });

    [Fact]
    public async Task LookupAsync_ByAttribute_FindsMatchingEventsNewestFirstWithResources()
    {
        await _store.AppendAsync([Event("CreateFunction20150331", 0, function: "a"), Event("GetFunction20150331v2", 1, "alice", function: "a"), Event("DeleteFunction20150331", 2, function: "b")], durable: true, Token);
        await _store.AppendAsync([Event("CreateFunction20150331", 3, account: "111111111111", function: "a")], durable: false, Token);

        var onA = await _store.LookupAsync(new AuditLookup { Account = "000000000000", Attribute = AuditLookupKey.ResourceName, Value = "a" }, Token);
        var byArn = await _store.LookupAsync(new AuditLookup { Account = "000000000000", Attribute = AuditLookupKey.ResourceName, Value = "arn:aws:lambda:us-east-1:000000000000:function:b" }, Token);
        var reads = await _store.LookupAsync(new AuditLookup { Account = "000000000000", Attribute = AuditLookupKey.ReadOnly, Value = "true" }, Token);
        var alice = await _store.LookupAsync(new AuditLookup { Account = "000000000000", Attribute = AuditLookupKey.Username, Value = "alice" }, Token);

        Assert.Equal(["GetFunction20150331v2", "CreateFunction20150331"], onA.Events.Select(e => e.EventName));
        Assert.Equal("a", Assert.Single(onA.Events[0].Resources).Name);
        Assert.Equal("DeleteFunction20150331", Assert.Single(byArn.Events).EventName);
        Assert.Equal("GetFunction20150331v2", Assert.Single(reads.Events).EventName);
        Assert.Equal("GetFunction20150331v2", Assert.Single(alice.Events).EventName);
        Assert.Contains("\"eventName\":\"GetFunction20150331v2\"", alice.Events[0].Record, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AppendAsync_MoreEventsThanOneStatement_KeepsOrderAndEveryResource()
    {
        // 150 events (two full INSERTs and a shorter one), after one already written, each on one of three functions.
        await _store.AppendAsync([Event("CreateFunction20150331", 0, function: "f0")], durable: true, Token);
        var events = Enumerable.Range(0, 150).Select(i => Event("Invoke", 1, function: $"f{i % 3}")).ToList();

        await _store.AppendAsync(events, durable: false, Token);

        var seen = new List<AuditEvent>();
        long? before = null;
        do
        {
            var page = await _store.LookupAsync(new AuditLookup { Account = "000000000000", MaxResults = 50, Before = before }, Token);
            seen.AddRange(page.Events);
            before = page.Next;
        }
        while (before is not null);

        var onF1 = await _store.LookupAsync(new AuditLookup { Account = "000000000000", Attribute = AuditLookupKey.ResourceName, Value = "f1", MaxResults = 50 }, Token);
        Assert.Equal(events.Select(e => e.EventId).Reverse().Append(seen[^1].EventId), seen.Select(e => e.EventId));
        Assert.Equal("CreateFunction20150331", seen[^1].EventName);
        Assert.All(seen.Take(150), e => Assert.Equal(events.Single(x => x.EventId == e.EventId).Resources[0].Name, Assert.Single(e.Resources).Name));
        Assert.Equal(50, onF1.Events.Count);
        Assert.Null(onF1.Next);
    }

    [Fact]
    public async Task LookupAsync_TimeRangeAndPages_ReturnEachEventOnce()
    {
        var events = Enumerable.Range(0, 7).Select(i => Event("ListFunctions20150331", i)).ToList();
        await _store.AppendAsync(events, durable: true, Token);

        var inRange = await _store.LookupAsync(new AuditLookup { Account = "000000000000", Start = T0.AddMinutes(2), End = T0.AddMinutes(4) }, Token);
        var seen = new List<string>();
        long? before = null;
        do
        {
            var page = await _store.LookupAsync(new AuditLookup { Account = "000000000000", MaxResults = 3, Before = before }, Token);
            Assert.True(page.Events.Count <= 3);
            seen.AddRange(page.Events.Select(e => e.EventId));
            before = page.Next;
        }
        while (before is not null);

        Assert.Equal([events[4].EventId, events[3].EventId, events[2].EventId], inRange.Events.Select(e => e.EventId));
        Assert.Equal(events.Select(e => e.EventId).Reverse(), seen);
    }

    [Fact]
    public async Task Update_AnyColumn_IsRefused()
    {
        await _store.AppendAsync([Event("CreateFunction20150331", 0, function: "a")], durable: true, Token);

        var events = await Assert.ThrowsAsync<SqliteException>(() => _database.ExecuteWriteAsync("UPDATE audit_events SET event_name = 'x'", _ => { }, Token));
        var resources = await Assert.ThrowsAsync<SqliteException>(() => _database.ExecuteWriteAsync("UPDATE audit_resources SET name = 'x'", _ => { }, Token));

        Assert.Contains("the audit trail is append-only", events.Message, StringComparison.Ordinal);
        Assert.Contains("the audit trail is append-only", resources.Message, StringComparison.Ordinal);
        Assert.Equal("CreateFunction20150331", Assert.Single((await _store.LookupAsync(new AuditLookup { Account = "000000000000" }, Token)).Events).EventName);
    }

    [Fact]
    public async Task DeleteBeforeAsync_RemovesOlderEventsAndTheirResources()
    {
        await _store.AppendAsync([Event("CreateFunction20150331", 0, function: "a"), Event("DeleteFunction20150331", 10, function: "a")], durable: true, Token);

        var deleted = await _store.DeleteBeforeAsync(T0.AddMinutes(5), Token);

        Assert.Equal(1, deleted);
        Assert.Equal("DeleteFunction20150331", Assert.Single((await _store.LookupAsync(new AuditLookup { Account = "000000000000" }, Token)).Events).EventName);
        Assert.Equal(1, Assert.Single(await _database.QueryAsync("SELECT COUNT(*) FROM audit_resources", _ => { }, r => r.GetInt64(0), Token)));
    }
}
