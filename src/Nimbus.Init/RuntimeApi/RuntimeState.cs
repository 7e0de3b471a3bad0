// SPDX-License-Identifier: Apache-2.0
namespace Nimbus.Init.RuntimeApi;

/// <summary>Where the runtime is in its cycle; the names in messages are the emulator's (RIE core/states.go).</summary>
internal enum RuntimeState
{
    /// <summary>Started, has not called /next yet (init phase).</summary>
    Started,

    /// <summary>Posted /runtime/init/error.</summary>
    InitError,

    /// <summary>A SnapStart runtime waits in /runtime/restore/next: its init phase (and before-snapshot hooks) is over.</summary>
    RestoreReady,

    /// <summary>/runtime/restore/next returned: the after-restore hooks run until the first /next or /runtime/restore/error.</summary>
    Restoring,

    /// <summary>Waiting in /next.</summary>
    Ready,

    /// <summary>Holds an invocation and has not answered it.</summary>
    Running,

    /// <summary>Answered the current invocation (response, error or an oversize response).</summary>
    ResponseSent,
}
