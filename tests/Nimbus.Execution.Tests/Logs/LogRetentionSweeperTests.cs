// SPDX-License-Identifier: Apache-2.0
using System.Collections.Concurrent;
using System.Reflection;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Nimbus.Core.Logs;
using Nimbus.Core.Storage;
using Nimbus.Execution.Logs;

namespace Nimbus.Execution.Tests.Logs;

/// <summary>The sweep's size cap: a group over it is trimmed to 90% of it and the server log says so once, naming it.</summary>
public sealed class LogRetentionSweeperTests
{
    [Fact]
    public async Task Sweep_GroupOverTheCap_IsTrimmedToNinetyPercent_AndSaidOnceInTheLog()
    {
        var store = DispatchProxy.Create<ILogGroupStore, CappedStore>();
        var calls = ((CappedStore)(object)store).Trims;
        var logger = new Logger();
        using var services = new ServiceCollection().AddSingleton(store).BuildServiceProvider();
        var options = Options.Create(new LogRetentionOptions { MaxGroupBytes = 1000, SweepInterval = TimeSpan.FromHours(1), CapCheckInterval = TimeSpan.FromHours(1) });
        using var sweeper = new LogRetentionSweeper(services, options, TimeProvider.System, logger);

        await sweeper.StartAsync(TestContext.Current.CancellationToken);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        deadline.CancelAfter(TimeSpan.FromSeconds(30));
        var message = await logger.Warnings.Reader.ReadAsync(deadline.Token);
        await sweeper.StopAsync(TestContext.Current.CancellationToken);

        Assert.Equal((1000L, 900L), Assert.Single(calls));
        Assert.Equal(
            "Log group /aws/lambda/chatty (account 111111111111, us-east-1) was over its size cap of 1000 bytes: dropped its 12 oldest events (345 bytes)",
            message);
        Assert.False(logger.Warnings.Reader.TryRead(out _));
    }

    /// <summary>A store that has one group over the cap, and nothing past its retention.</summary>
    public class CappedStore : DispatchProxy
    {
        public ConcurrentQueue<(long Max, long Target)> Trims { get; } = new();

        protected override object? Invoke(MethodInfo? targetMethod, object?[]? args) => targetMethod?.Name switch
        {
            nameof(ILogGroupStore.DeleteExpiredAsync) => Task.FromResult(0L),
            nameof(ILogGroupStore.TrimGroupsAsync) => Trim((long)args![0]!, (long)args[1]!),
            _ => throw new NotSupportedException(targetMethod?.Name),
        };

        private Task<IReadOnlyList<LogGroupTrim>> Trim(long max, long target)
        {
            Trims.Enqueue((max, target));
            return Task.FromResult<IReadOnlyList<LogGroupTrim>>([new LogGroupTrim("111111111111", "us-east-1", "/aws/lambda/chatty", 12, 345)]);
        }
    }

    private sealed class Logger : ILogger<LogRetentionSweeper>
    {
        public System.Threading.Channels.Channel<string> Warnings { get; } = System.Threading.Channels.Channel.CreateUnbounded<string>();

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (logLevel == LogLevel.Warning)
            {
                Warnings.Writer.TryWrite(formatter(state, exception));
            }
        }
    }
}
