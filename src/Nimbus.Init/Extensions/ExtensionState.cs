// SPDX-License-Identifier: Apache-2.0
namespace Nimbus.Init.Extensions;

/// <summary>Where an extension is in its cycle; the names in messages are the emulator's (RIE core/agentsmap.go).</summary>
internal enum ExtensionState
{
    /// <summary>An external extension's process runs and has not registered yet.</summary>
    Launched,

    /// <summary>Registered, has not asked for an event yet.</summary>
    Registered,

    /// <summary>Waiting in (or about to call) /event/next.</summary>
    Ready,

    /// <summary>Holds an event it has not finished with (it calls /event/next again when done).</summary>
    Running,

    /// <summary>Posted /extension/init/error.</summary>
    InitError,

    /// <summary>Posted /extension/exit/error.</summary>
    ExitError,

    /// <summary>The process ended.</summary>
    Exited,
}
