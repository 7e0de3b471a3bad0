// SPDX-License-Identifier: Apache-2.0
namespace Nimbus.Init.RuntimeApi;

/// <summary>Where the runtime is in its cycle; the names in messages are the emulator's (RIE core/states.go).</summary>
internal enum RuntimeState
{
    /// <summary>Started, has not called /next yet (init phase).</summary>
    Started,

    /// <summary>Posted /runtime/init/error.</summary>
    InitError,

    /// <summary>Waiting in /next.</summary>
    Ready,

    /// <summary>Holds an invocation and has not answered it.</summary>
    Running,

    /// <summary>Answered the current invocation (response, error or an oversize response).</summary>
    ResponseSent,
}
