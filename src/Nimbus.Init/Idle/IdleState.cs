// SPDX-License-Identifier: Apache-2.0
using System.Net.Sockets;
using Nimbus.Init.Bridge;
using Nimbus.Init.Host;
using Nimbus.Init.Http;
using Nimbus.Init.Runtime;
using Nimbus.Init.RuntimeApi;

namespace Nimbus.Init.Idle;

/// <summary>What <see cref="IdleSupervisor"/> checks and hands on to nimbus-idle.</summary>
internal sealed record IdleState(
    Socket HostSocket,
    HostLink Host,
    RuntimeProcess Runtime,
    HttpServer Server,
    PlatformBridge? Bridge,
    ConnectionHandover Handover,
    SpawningThread Spawning)
{
    /// <summary>The host socket's descriptor (inherited by nimbus-idle).</summary>
    public int HostDescriptor => (int)HostSocket.SafeHandle.DangerousGetHandle();
}
