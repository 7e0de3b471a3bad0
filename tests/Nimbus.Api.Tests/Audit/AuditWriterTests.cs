// SPDX-License-Identifier: Apache-2.0
using System.Collections.Concurrent;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Nimbus.Api.Audit;
using Nimbus.Core.Audit;
using Nimbus.Core.Storage;

namespace Nimbus.Api.Tests.Audit;

public sealed class AuditWriterTests
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    private static AuditEvent Event(string name, bool management) => new()
    {
        EventId = Guid.NewGuid().ToString(),
        EventTime = DateTimeOffset.UnixEpoch,
        Account = "000000000000",
        Region = "us-east-1",
        EventSource = "lambda.amazonaws.com",
        EventName = name,
        ReadOnly = false,
        Management = management,
        RequestId = "r",
    };

    [Fact]
    public async Task WriteAsync_ManagementEvent_CompletesOnceCommittedDurably()
    {
        var store = new RecordingStore();
        var writer = new AuditWriter(store, new FakeTimeProvider(), NullLogger<AuditWriter>.Instance);
        await writer.StartAsync(Token);
        try
        {
            await writer.WriteAsync(Event("CreateFunction20150331", management: true)).WaitAsync(TimeSpan.FromSeconds(30), Token);

            var (events, durable) = Assert.Single(store.Batches);
            Assert.True(durable);
            Assert.Contains("\"eventName\":\"CreateFunction20150331\"", Assert.Single(events).Record, StringComparison.Ordinal);
        }
        finally
        {
            await writer.StopAsync(Token);
        }
    }

    [Fact]
    public async Task Post_DataEvents_GatherUntilTheIntervalThenOneTransaction()
    {
        var store = new RecordingStore();
        var time = new FakeTimeProvider();
        var writer = new AuditWriter(store, time, NullLogger<AuditWriter>.Instance);
        await writer.StartAsync(Token);
        try
        {
            writer.Post(Event("Invoke", management: false));
            writer.Post(Event("Invoke", management: false));
            writer.Post(Event("Invoke", management: false));
            Assert.Empty(store.Batches);

            // The writer waits on the fake clock; advance it until the batch is written.
            var deadline = DateTime.UtcNow.AddSeconds(30);
            while (store.Batches.IsEmpty && DateTime.UtcNow < deadline)
            {
                time.Advance(AuditWriter.DataFlushInterval);
                await Task.Delay(10, Token);
            }

            var (events, durable) = Assert.Single(store.Batches);
            Assert.False(durable);
            Assert.Equal(3, events.Count);
        }
        finally
        {
            await writer.StopAsync(Token);
        }
    }

    private sealed class RecordingStore : IAuditStore
    {
        public ConcurrentQueue<(IReadOnlyList<AuditEvent> Events, bool Durable)> Batches { get; } = new();

        public Task AppendAsync(IReadOnlyList<AuditEvent> events, bool durable, CancellationToken cancellationToken)
        {
            Batches.Enqueue(([.. events], durable));
            return Task.CompletedTask;
        }

        public Task<AuditPage> LookupAsync(AuditLookup lookup, CancellationToken cancellationToken) => throw new NotSupportedException();

        public Task<int> DeleteBeforeAsync(DateTimeOffset cutoff, CancellationToken cancellationToken) => throw new NotSupportedException();
    }
}
