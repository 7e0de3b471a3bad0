// SPDX-License-Identifier: Apache-2.0
using System.Collections.Concurrent;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;

namespace Nimbus.Events.Tests.Support;

/// <summary>A logger that keeps every formatted message, and lets a test wait for one (a signal, not a sleep).</summary>
internal sealed class RecordingLogger<T> : ILogger<T>
{
    private readonly ConcurrentQueue<(LogLevel Level, string Message)> _entries = new();
    private readonly Channel<bool> _logged = Channel.CreateUnbounded<bool>();

    public IReadOnlyCollection<(LogLevel Level, string Message)> Entries => _entries;

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        _entries.Enqueue((logLevel, formatter(state, exception)));
        _logged.Writer.TryWrite(true);
    }

    /// <summary>The first message at <paramref name="level"/> that contains <paramref name="text"/>, once it is logged.</summary>
    public async Task<string> WaitForAsync(LogLevel level, string text, CancellationToken cancellationToken)
    {
        using var failSafe = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        failSafe.CancelAfter(TimeSpan.FromSeconds(30));
        while (true)
        {
            foreach (var (entryLevel, message) in _entries)
            {
                if (entryLevel == level && message.Contains(text, StringComparison.Ordinal))
                {
                    return message;
                }
            }

            await _logged.Reader.ReadAsync(failSafe.Token);
        }
    }
}
