// SPDX-License-Identifier: Apache-2.0
using Microsoft.Extensions.Logging;

namespace Nimbus.Execution.Tests.Sandboxes;

/// <summary>Writes the backend's log to the current test's output, so a failed start shows what runc and nimbus-init said.</summary>
internal sealed class RuncTestLogger : ILogger
{
    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
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
