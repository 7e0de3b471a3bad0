// SPDX-License-Identifier: Apache-2.0
using Nimbus.Init.Http;

namespace Nimbus.Init.Extensions;

/// <summary>One extension: external (a process from /opt/extensions) or internal (registered from the runtime's process).</summary>
internal sealed class Extension(string name, bool external)
{
    public string Name { get; } = name;

    public bool External { get; } = external;

    /// <summary>The identifier it was given at registration (Lambda-Extension-Identifier); empty before.</summary>
    public string Id { get; set; } = "";

    public ExtensionEvents Events { get; set; }

    public ExtensionState State { get; set; } = external ? ExtensionState.Launched : ExtensionState.Registered;

    /// <summary>The error type it posted to /init/error or /exit/error.</summary>
    public string? ErrorType { get; set; }

    /// <summary>Events not yet taken by an /event/next (at most one INVOKE and one SHUTDOWN).</summary>
    public Queue<byte[]> Pending { get; } = new();

    /// <summary>The /event/next waiting for an event, if any.</summary>
    public EventWaiter? Waiter { get; set; }

    /// <summary>
    /// Has not come back to /event/next since the current invocation's INVOKE: the post-invoke phase waits for it.
    /// </summary>
    public bool Busy { get; set; }

    /// <summary>A waiting /event/next; completes with the event, or null when its client went away.</summary>
    internal sealed class EventWaiter(HttpConnection connection) : TaskCompletionSource<byte[]?>(TaskCreationOptions.None)
    {
        public HttpConnection Connection { get; } = connection;
    }
}
