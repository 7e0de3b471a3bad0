// SPDX-License-Identifier: Apache-2.0
using Microsoft.Extensions.Logging.Abstractions;
using Nimbus.Core.Arns;
using Nimbus.Core.Storage;
using Nimbus.Execution.Logs;
using Nimbus.Execution.Tests.Fakes;
using Nimbus.Execution.Tests.Invocation;

namespace Nimbus.Execution.Tests.Logs;

public sealed class FunctionLogWriterTests
{
    private const string Group = "/aws/lambda/my-function";
    private const string Stream = "2025/03/04/[$LATEST]0123456789abcdef0123456789abcdef";

    [Fact]
    public async Task Write_WhileRunning_ReachesTheStore()
    {
        var store = new RecordingLogStore();
        using var writer = new FunctionLogWriter(store, TimeProvider.System, NullLogger<FunctionLogWriter>.Instance);
        await writer.StartAsync(TestContext.Current.CancellationToken);

        writer.Write(TestFunctions.Scope, Group, Stream, [Event("one"), Event("two")]);

        await WaitForAsync(store, 2);
        Assert.Equal(["one", "two"], store.Events.Select(e => e.Event.Message));
        Assert.All(store.Events, e => Assert.Equal((TestFunctions.Scope, Group, Stream), (e.Scope, e.Group, e.Stream)));
        await writer.StopAsync(TestContext.Current.CancellationToken);
    }

    [Fact]
    public async Task Write_SeveralStreams_KeepsEachBatchsDestination()
    {
        var store = new RecordingLogStore();
        using var writer = new FunctionLogWriter(store, TimeProvider.System, NullLogger<FunctionLogWriter>.Instance);
        await writer.StartAsync(TestContext.Current.CancellationToken);
        var other = new Scope(TestFunctions.Account, "us-west-2");

        writer.Write(TestFunctions.Scope, Group, Stream, [Event("a")]);
        writer.Write(other, "/aws/lambda/other", "other-stream", [Event("b")]);

        await WaitForAsync(store, 2);
        Assert.Contains(store.Events, e => e.Event.Message == "a" && e.Scope == TestFunctions.Scope && e.Stream == Stream);
        Assert.Contains(store.Events, e => e.Event.Message == "b" && e.Scope == other && e.Group == "/aws/lambda/other" && e.Stream == "other-stream");
        await writer.StopAsync(TestContext.Current.CancellationToken);
    }

    [Fact]
    public async Task Write_PastTheQueuedMemoryBudget_DropsThatBatchAndKeepsTheRest()
    {
        var store = new RecordingLogStore();
        using var writer = new FunctionLogWriter(store, TimeProvider.System, NullLogger<FunctionLogWriter>.Instance, maxQueuedBytes: 200);
        writer.Write(TestFunctions.Scope, Group, Stream, [Event("first"), Event("12")]);
        writer.Write(TestFunctions.Scope, Group, Stream, [Event("over")]);

        await writer.StartAsync(TestContext.Current.CancellationToken);
        await WaitForAsync(store, 2);
        writer.Write(TestFunctions.Scope, Group, Stream, [Event("room again")]);

        await WaitForAsync(store, 3);
        Assert.Equal(["first", "12", "room again"], store.Events.Select(e => e.Event.Message));
        await writer.StopAsync(TestContext.Current.CancellationToken);
    }

    [Fact]
    public async Task StartAsync_WrittenBeforeStart_WritesWhatIsQueued()
    {
        var store = new RecordingLogStore();
        using var writer = new FunctionLogWriter(store, TimeProvider.System, NullLogger<FunctionLogWriter>.Instance);
        writer.Write(TestFunctions.Scope, Group, Stream, [Event("queued")]);

        await writer.StartAsync(TestContext.Current.CancellationToken);

        await WaitForAsync(store, 1);
        Assert.Equal(["queued"], store.Events.Select(e => e.Event.Message));
        await writer.StopAsync(TestContext.Current.CancellationToken);
    }

    [Fact]
    public async Task StopAsync_DuringAStoreWrite_WritesThatBatchAndTheQueuedOnesOnce()
    {
        var store = new BlockingOnceLogStore();
        using var writer = new FunctionLogWriter(store, TimeProvider.System, NullLogger<FunctionLogWriter>.Instance);
        await writer.StartAsync(TestContext.Current.CancellationToken);
        writer.Write(TestFunctions.Scope, Group, Stream, [Event("in flight")]);
        await store.Blocked.WaitAsync(InvokerHarness.FailSafe, TestContext.Current.CancellationToken);
        writer.Write(TestFunctions.Scope, Group, Stream, [Event("queued")]);

        await writer.StopAsync(TestContext.Current.CancellationToken);

        Assert.Equal(["in flight", "queued"], store.Inner.Events.Select(e => e.Event.Message));
    }

    [Fact]
    public async Task Write_StoreFailsOnce_KeepsWritingLaterBatches()
    {
        var store = new FailingOnceLogStore();
        using var writer = new FunctionLogWriter(store, TimeProvider.System, NullLogger<FunctionLogWriter>.Instance);
        await writer.StartAsync(TestContext.Current.CancellationToken);
        writer.Write(TestFunctions.Scope, Group, Stream, [Event("lost")]);
        await store.Failed.WaitAsync(InvokerHarness.FailSafe, TestContext.Current.CancellationToken);

        writer.Write(TestFunctions.Scope, Group, Stream, [Event("kept")]);

        await WaitForAsync(store.Inner, 1);
        Assert.Equal(["kept"], store.Inner.Events.Select(e => e.Event.Message));
        await writer.StopAsync(TestContext.Current.CancellationToken);
    }

    private static LogEvent Event(string message) => new(TestFunctions.Epoch, message);

    private static Task WaitForAsync(RecordingLogStore store, int count) =>
        store.WaitUntilAsync(events => events.Count >= count, TestContext.Current.CancellationToken).WaitAsync(InvokerHarness.FailSafe, TestContext.Current.CancellationToken);

    /// <summary>Throws on its first append, then records like <see cref="RecordingLogStore"/>.</summary>
    private sealed class FailingOnceLogStore : ILogStore
    {
        private readonly TaskCompletionSource _failed = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public RecordingLogStore Inner { get; } = new();

        public Task Failed => _failed.Task;

        public Task AppendAsync(IReadOnlyList<LogBatch> batches, CancellationToken cancellationToken)
        {
            if (batches.Count == 0)
            {
                return Task.CompletedTask;
            }

            if (_failed.TrySetResult())
            {
                throw new IOException("disk full");
            }

            return Inner.AppendAsync(batches, cancellationToken);
        }

        public Task<IReadOnlyList<LogEvent>> ReadAsync(Scope scope, string group, string? stream, int limit, CancellationToken cancellationToken) =>
            Inner.ReadAsync(scope, group, stream, limit, cancellationToken);
    }

    /// <summary>Its first append waits until cancelled (a slow disk at shutdown), then it records like <see cref="RecordingLogStore"/>.</summary>
    private sealed class BlockingOnceLogStore : ILogStore
    {
        private readonly TaskCompletionSource _blocked = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public RecordingLogStore Inner { get; } = new();

        public Task Blocked => _blocked.Task;

        public async Task AppendAsync(IReadOnlyList<LogBatch> batches, CancellationToken cancellationToken)
        {
            if (batches.Count > 0 && _blocked.TrySetResult())
            {
                await Task.Delay(Timeout.Infinite, cancellationToken);
            }

            await Inner.AppendAsync(batches, cancellationToken);
        }

        public Task<IReadOnlyList<LogEvent>> ReadAsync(Scope scope, string group, string? stream, int limit, CancellationToken cancellationToken) =>
            Inner.ReadAsync(scope, group, stream, limit, cancellationToken);
    }
}
