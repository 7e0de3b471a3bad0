// SPDX-License-Identifier: Apache-2.0
using Nimbus.Init.Bridge;
using Nimbus.Init.Host;
using Nimbus.Init.Http;
using Nimbus.Init.Runtime;
using Nimbus.Init.RuntimeApi;

namespace Nimbus.Init.Idle;

/// <summary>What <see cref="IdleSupervisor"/> checks and hands on to nimbus-idle.</summary>
internal sealed record IdleState(
    int HostDescriptor,
    HostLink Host,
    RuntimeProcess Runtime,
    HttpServer Server,
    PlatformBridge? Bridge,
    ConnectionHandover Handover,
    SpawningThread Spawning);
