// SPDX-License-Identifier: Apache-2.0
using System.Threading.Channels;
using Microsoft.Extensions.Logging.Abstractions;
using Nimbus.Core.Arns;
using Nimbus.Core.Functions;
using Nimbus.Core.Mappings;
using Nimbus.Events.Mappings;
using Nimbus.Events.Tests.Support;
using Nimbus.Execution.Invocation;
using Nimbus.TestKit;
using Nimbus.TestKit.Fakes;

namespace Nimbus.Events.Tests.Mappings;

public sealed class MappingPollerTests : IDisposable
{
    private const string Queue = "arn:aws:sqs:us-east-1:000000000000:orders";
    private static readonly Scope Scope = new("000000000000", "us-east-1");
    private readonly TimerWatchingTimeProvider _time = new(new DateTimeOffset(2026, 11, 27, 10, 0, 0, TimeSpan.Zero));
    private readonly FunctionService _functions;
    private readonly FakeQueueSource _source = new(Queue);
    private readonly FakeInvocationService _invoker = new();

    public MappingPollerTests()
    {
        var store = new InMemoryStateStore();
        var options = new FunctionServiceOptions();
        var resolver = new QualifierResolver(store);
        var concurrency = new ConcurrencyService(store, store, store, resolver, _time, options);
        _functions = new FunctionService(store, store, new InMemoryLayerStore(), new InMemoryCodeStore(), FakeRuntimeRegistry.Default(), resolver, concurrency, _time, options);
    }

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose() => _functions.Dispose();

    private async Task<MappingPoller> StartAsync(int batchSize, int? maximumConcurrency)
    {
        var change = new FunctionChange { Runtime = "python3.12", Role = "arn:aws:iam::000000000000:role/r", Handler = "app.handler" };
        await _functions.CreateAsync(Scope, "consumer", change, new CodeUpload { ZipFile = ZipBuilder.PythonEcho() }, null, publish: false, Ct);
        await _functions.SettleAsync(new FunctionKey(Scope, "consumer"), Ct);
        var mapping = new EventSourceMapping
        {
            Uuid = "0b5c4e4a-0000-4000-8000-000000000001",
            Scope = Scope,
            EventSourceArn = Queue,
            FunctionName = "consumer",
            BatchSize = batchSize,
            MaximumConcurrency = maximumConcurrency,
            State = EventSourceMappingStates.Enabled,
            LastModified = _time.GetUtcNow(),
        };
        var poller = new MappingPoller(mapping, _source, null, new FunctionResolver(_functions), _invoker, _time, NullLogger.Instance, Ct);
        poller.Start();
        return poller;
    }

    private static Task UntilAsync(Func<bool> condition) => Polling.UntilAsync(condition, Ct);

    [Theory]
    [InlineData(2)]
    [InlineData(3)]
    public async Task Pollers_Backlog_NeverMoreConcurrentInvocationsThanMaximumConcurrency(int maximumConcurrency)
    {
        const int Messages = 40;
        _source.Add(Messages);

        // Every invocation waits for a permit; the test hands them out one at a time, each after moving the clock past
        // the scale-up interval, so the batch after each one asks for one more poller.
        var permits = Channel.CreateUnbounded<bool>();
        _invoker.Answer = async (call, ct) =>
        {
            await permits.Reader.ReadAsync(ct);
            return FakeInvocationService.Success("{}");
        };
        await using var poller = await StartAsync(batchSize: 1, maximumConcurrency);
        try
        {
            // The first full batch adds a second poller at once: two invocations wait together.
            await UntilAsync(() => _invoker.Running >= 2);
            for (var released = 1; released <= Messages; released++)
            {
                _time.Advance(TimeSpan.FromSeconds(1));
                var before = _invoker.Calls.Count;
                permits.Writer.TryWrite(true);
                await UntilAsync(() => _source.Deleted.Count >= released && (_invoker.Calls.Count > before || _invoker.Calls.Count == Messages));
            }
        }
        finally
        {
            // Stopping the pollers lets batches in flight finish: never leave one waiting.
            for (var i = 0; i < Messages; i++)
            {
                permits.Writer.TryWrite(true);
            }
        }

        Assert.Equal(maximumConcurrency, _invoker.MostAtOnce);
        Assert.Equal(Messages, _invoker.Calls.Count);
        Assert.Equal(Messages, _source.Deleted.Distinct().Count());
    }

    [Fact]
    public async Task Pollers_Batch_OneSynchronousInvocationPerBatchWithTheResolvedVersion()
    {
        _source.Add(3);
        await using var poller = await StartAsync(batchSize: 10, maximumConcurrency: null);

        await _source.WaitForDeletedAsync(3, Ct);

        var call = Assert.Single(_invoker.Calls);
        Assert.Equal(InvocationType.RequestResponse, call.Type);
        Assert.Equal("$LATEST", call.Target.Version.Version);
        Assert.Equal("arn:aws:lambda:us-east-1:000000000000:function:consumer", call.Target.InvokedFunctionArn);
        Assert.Contains("\"messageId\":\"m-0003\"", call.Payload, StringComparison.Ordinal);
        Assert.Equal("OK", poller.LastProcessingResult);
    }

    [Fact]
    public async Task Pollers_Throttled_MessageGivenBackAndRunAfterTheBackoff()
    {
        _source.Add(1);
        var calls = 0;

        // Batches of up to 10 that come back with one message: no scale-up, one poller.
        _invoker.Answer = (call, _) => Task.FromResult(Interlocked.Increment(ref calls) == 1
            ? InvocationOutcome.Throttled(new InvocationThrottle(Execution.Concurrency.ThrottleReason.ReservedConcurrency, null))
            : FakeInvocationService.Success("{}"));
        await using var poller = await StartAsync(batchSize: 10, maximumConcurrency: null);

        // The throttled call returned and the poller's 1 s backoff timer exists (advancing before it was made would leave
        // it a whole second from the new now, which nothing advances).
        await UntilAsync(() => _invoker.Calls.Count == 1 && _invoker.Running == 0 && _time.Created(TimeSpan.FromSeconds(1)) > 0);
        Assert.Empty(_source.Deleted);

        // The poller backs off 1 s on the clock before it polls again.
        _time.Advance(TimeSpan.FromSeconds(1));
        await _source.WaitForDeletedAsync(1, Ct);

        Assert.Equal(["rh-m-0001"], _source.Deleted);
        Assert.Equal(2, _invoker.Calls.Count);
        Assert.All(_invoker.Calls, c => Assert.Contains("\"messageId\":\"m-0001\"", c.Payload, StringComparison.Ordinal));
    }
}
