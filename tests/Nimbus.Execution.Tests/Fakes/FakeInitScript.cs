// SPDX-License-Identifier: Apache-2.0
using Nimbus.Init.Protocol;

namespace Nimbus.Execution.Tests.Fakes;

/// <summary>
/// How a <see cref="FakeSandbox"/> plays nimbus-init: what it does once the host sent <c>Start</c> (by default
/// answers <c>Ready</c>) and how it answers each <c>Invoke</c> (by default echoes the event as the response).
/// The token passed to both is cancelled when the sandbox is killed.
/// </summary>
internal sealed class FakeInitScript
{
    /// <summary>When set, nimbus-init "exits" with this status before it connects to the host.</summary>
    public int? ExitBeforeConnecting { get; init; }

    /// <summary>A stem cell's runtime reaches its wait for a function (nimbus-init sends <c>Waiting</c>) at once.</summary>
    public bool StemCellWaits { get; init; } = true;

    public Func<FakeSandbox, CancellationToken, Task> OnStart { get; init; } = static (sandbox, ct) => sandbox.SendReadyAsync(ct);

    public Func<FakeSandbox, Frame, CancellationToken, Task> OnInvoke { get; init; } = Echo;

    /// <summary>Answers an invocation with its own event.</summary>
    public static Task Echo(FakeSandbox sandbox, Frame invoke, CancellationToken cancellationToken) =>
        sandbox.SendResponseAsync(RequestId(invoke), invoke.Body, cancellationToken);

    /// <summary>Never answers: the runtime hangs.</summary>
    public static Task Hang(FakeSandbox sandbox, Frame invoke, CancellationToken cancellationToken) => Task.CompletedTask;

    public static string RequestId(Frame invoke) =>
        invoke.Header(FrameHeaders.RequestId) ?? throw new InvalidOperationException("an Invoke frame without request-id");
}
