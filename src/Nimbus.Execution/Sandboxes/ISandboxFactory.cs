// SPDX-License-Identifier: Apache-2.0
namespace Nimbus.Execution.Sandboxes;

/// <summary>A sandbox backend: <c>runc</c> (OCI containers), <c>bwrap</c> (user namespaces, no root) or <c>process</c> (host processes, no isolation).</summary>
public interface ISandboxFactory
{
    /// <summary>The backend's name, as configured and reported at start.</summary>
    string Name { get; }

    /// <summary>Starts nimbus-init in a new sandbox; it connects to <see cref="SandboxSpec.HostSocketPath"/>.</summary>
    Task<ISandbox> StartAsync(SandboxSpec spec, CancellationToken cancellationToken);
}
