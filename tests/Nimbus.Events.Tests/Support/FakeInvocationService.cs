// SPDX-License-Identifier: Apache-2.0
using System.Collections.Concurrent;
using System.Text;
using Nimbus.Execution.Invocation;

namespace Nimbus.Events.Tests.Support;

/// <summary>
/// An <see cref="IInvocationService"/> that answers with what a test scripts, records every call, and counts how
/// many invocations are running at once (the highest count is kept).
/// </summary>
internal sealed class FakeInvocationService : IInvocationService
{
    private readonly ConcurrentQueue<Call> _calls = new();
    private int _running;
    private int _mostAtOnce;

    /// <summary>What an invocation gives; by default the payload back as a success.</summary>
    public Func<Call, CancellationToken, Task<InvocationOutcome>> Answer { get; set; } = static (call, _) => Task.FromResult(Success(call.Payload));

    public IReadOnlyCollection<Call> Calls => _calls;

    public int Running => Volatile.Read(ref _running);

    public int MostAtOnce => Volatile.Read(ref _mostAtOnce);

    public static InvocationOutcome Success(string payload) => InvocationOutcome.Completed(Result(payload, null, null));

    public static InvocationOutcome FunctionError(string payload, string errorType) => InvocationOutcome.Completed(Result(payload, "Unhandled", errorType));

    public async Task<InvocationOutcome> InvokeAsync(
        ResolvedFunction target,
        RequestId requestId,
        ReadOnlyMemory<byte> payload,
        InvocationType type,
        string? traceHeader,
        string? clientContext,
        CancellationToken cancellationToken)
    {
        var call = new Call(target, requestId, Encoding.UTF8.GetString(payload.Span), type, traceHeader);
        _calls.Enqueue(call);
        var running = Interlocked.Increment(ref _running);
        int most;
        while (running > (most = Volatile.Read(ref _mostAtOnce)) && Interlocked.CompareExchange(ref _mostAtOnce, running, most) != most)
        {
        }

        try
        {
            return await Answer(call, cancellationToken);
        }
        finally
        {
            Interlocked.Decrement(ref _running);
        }
    }

    private static InvocationResult Result(string payload, string? functionError, string? errorType) => new()
    {
        Payload = Encoding.UTF8.GetBytes(payload),
        FunctionError = functionError,
        ErrorType = errorType,
        ExecutedVersion = "$LATEST",
        LogLines = [],
    };

    internal sealed record Call(ResolvedFunction Target, RequestId RequestId, string Payload, InvocationType Type, string? TraceHeader);
}
