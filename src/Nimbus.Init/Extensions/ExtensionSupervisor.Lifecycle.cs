// SPDX-License-Identifier: Apache-2.0
using Nimbus.Init.Interop;
using Nimbus.Init.Protocol;
using Nimbus.Init.Runtime;

namespace Nimbus.Init.Extensions;

internal sealed partial class ExtensionSupervisor
{
    /// <summary>
    /// The environment goes: the buffered telemetry is delivered, SHUTDOWN goes to every extension registered for
    /// it, and each gets until <paramref name="grace"/> is over to exit; whatever still runs then is killed.
    /// </summary>
    public async Task ShutdownAsync(string reason, TimeSpan grace)
    {
        _shuttingDown = true;
        var started = _time.GetTimestamp();
        var deadline = _time.GetUtcNow() + grace;
        try
        {
            // Half the budget at most for the last telemetry, so SHUTDOWN still leaves the extensions time.
            await Telemetry.FlushAsync().WaitAsync(grace / 2, _time, _stopping);
        }
        catch (Exception e) when (e is TimeoutException or OperationCanceledException)
        {
        }

        Registry.Dispatch(ExtensionEvents.Shutdown, ExtensionEventJson.Shutdown(reason, deadline.ToUnixTimeMilliseconds()), null);
        var left = grace - _time.GetElapsedTime(started);
        if (Volatile.Read(ref _running) == 0)
        {
            return;
        }

        try
        {
            await _extensionsExited.Task.WaitAsync(left > TimeSpan.Zero ? left : TimeSpan.Zero, _time, _stopping);
        }
        catch (Exception e) when (e is TimeoutException or OperationCanceledException)
        {
        }

        _runtime.SignalExtensions(Libc.SigKill);
    }

    private readonly TaskCompletionSource _extensionsExited = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _running;

    /// <summary>
    /// An external extension ended. Outside a shutdown that fails the environment (RIE rapid/handlers.go
    /// watchEvents): Extension.InitError or Extension.ExitError after the matching error call, else Extension.Crash.
    /// </summary>
    private async Task WatchAsync(Extension extension, Task<RuntimeExit> exited)
    {
        Interlocked.Increment(ref _running);
        var exit = await exited;
        Registry.Exited(extension);
        if (Interlocked.Decrement(ref _running) == 0)
        {
            _extensionsExited.TrySetResult();
        }

        if (_shuttingDown || Failed && extension.ErrorType is null)
        {
            return;
        }

        Failed = true;
        var errorType = extension.ErrorType is "Extension.InitError" or "Extension.ExitError" ? extension.ErrorType : "Extension.Crash";
        await SendAsync(new Frame(
            FrameType.Exited,
            [exit.ToHeader(), new(FrameHeaders.ExtensionName, extension.Name), new(FrameHeaders.ErrorType, errorType)]));
    }

    /// <summary>/extension/init/error: the init phase fails with Extension.InitError (the extension then exits).</summary>
    public async Task InitErrorAsync(Extension extension, string reportedType, byte[] body)
    {
        Registry.Failed(extension, ExtensionState.InitError, "Extension.InitError");
        if (Failed)
        {
            return;
        }

        Failed = true;
        InitReport("error", "Extension.InitError");
        var message = $"Extension {extension.Name} failed to initialize: {reportedType}";
        if (body.Length > 0)
        {
            message += " " + System.Text.Encoding.UTF8.GetString(body);
        }

        await SendAsync(new Frame(FrameType.InitError, [new(FrameHeaders.ErrorType, "Extension.InitError")], RuntimeApi.ErrorPayload.Create(message, "Extension.InitError")));
    }

    /// <summary>/extension/exit/error: an internal extension fails the environment now, an external one when it exits.</summary>
    public async Task ExitErrorAsync(Extension extension)
    {
        Registry.Failed(extension, ExtensionState.ExitError, "Extension.ExitError");
        if (extension.External || Failed)
        {
            return;
        }

        Failed = true;
        await SendAsync(new Frame(
            FrameType.Exited,
            [new(FrameHeaders.Status, "0"), new(FrameHeaders.ExtensionName, extension.Name), new(FrameHeaders.ErrorType, "Extension.ExitError")]));
    }
}
