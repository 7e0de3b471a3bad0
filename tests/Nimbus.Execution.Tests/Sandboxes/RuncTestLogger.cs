// SPDX-License-Identifier: Apache-2.0
using Microsoft.Extensions.Logging;

namespace Nimbus.Execution.Tests.Sandboxes;

/// <summary>
/// Writes the backend's log to the current test's output, so a failed start shows what runc and nimbus-init said, and
/// keeps its lines for tests that look at them.
/// </summary>
internal sealed class RuncTestLogger : ILogger
{
    private readonly List<string> _lines = [];

    /// <summary>The messages logged so far, formatted.</summary>
    public IReadOnlyList<string> Lines
    {
        get
        {
            lock (_lines)
            {
                return [.. _lines];
            }
        }
    }

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        lock (_lines)
        {
            _lines.Add(formatter(state, exception));
        }

        try
        {
            TestContext.Current.TestOutputHelper?.WriteLine($"{logLevel}: {formatter(state, exception)}{(exception is null ? "" : " " + exception)}");
        }
#pragma warning disable CA1031 // Logging must never break the cleanup it reports on.
        catch (Exception)
#pragma warning restore CA1031
        {
            // No test is running any more (disposal after the test's end).
        }
    }
}
