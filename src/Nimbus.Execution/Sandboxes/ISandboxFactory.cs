// SPDX-License-Identifier: Apache-2.0
namespace Nimbus.Execution.Sandboxes;

/// <summary>A sandbox backend: <c>process</c> (this host's processes, no isolation) or <c>runc</c> (OCI containers).</summary>
public interface ISandboxFactory
{
    /// <summary>The backend's name, as configured and reported at start.</summary>
    string Name { get; }

    /// <summary>Starts nimbus-init in a new sandbox; it connects to <see cref="SandboxSpec.HostSocketPath"/>.</summary>
    Task<ISandbox> StartAsync(SandboxSpec spec, CancellationToken cancellationToken);
}
