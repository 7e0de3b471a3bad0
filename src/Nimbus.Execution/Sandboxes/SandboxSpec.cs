// SPDX-License-Identifier: Apache-2.0
namespace Nimbus.Execution.Sandboxes;

/// <summary>
/// What one execution environment needs from its sandbox: nimbus-init as its first process, the host socket it
/// connects to, the code and runtime directories (read-only), /tmp of a size, and the resource limits.
/// </summary>
public sealed record SandboxSpec
{
    /// <summary>Unique id of the environment (32 hex digits), also used for names on the host.</summary>
    public required string EnvironmentId { get; init; }

    /// <summary>The nimbus-init executable on the host.</summary>
    public required string InitExecutable { get; init; }

    /// <summary>nimbus-idle on the host, bound beside nimbus-init and named to it (NIMBUS_IDLE_PROGRAM); null: none.</summary>
    public string? IdleExecutable { get; init; }

    /// <summary>The host's Unix socket nimbus-init connects to.</summary>
    public required string HostSocketPath { get; init; }

    /// <summary>Unpacked function code, shared read-only (/var/task in a container).</summary>
    public required string CodeDirectory { get; init; }

    /// <summary>
    /// A container image's unpacked root (PackageType Image), shared read-only: the sandbox's root instead of the
    /// host's system directories; null for a .zip function.
    /// </summary>
    public string? ImageRoot { get; init; }

    /// <summary>
    /// The function's layers merged in order (/opt in a container), shared read-only; null without layers.
    /// </summary>
    public string? OptDirectory { get; init; }

    /// <summary>The runtime clients shipped with Nimbus (/var/runtime in a container).</summary>
    public required string RuntimeDirectory { get; init; }

    /// <summary>Directories the runtime's interpreter needs (e.g. a pyenv version), bound read-only at the same path.</summary>
    public IReadOnlyList<string> HostDirectories { get; init; } = [];

    public int MemoryMb { get; init; } = 128;

    /// <summary>Outbound network through a user-mode NAT (true, Lambda's default) or loopback only.</summary>
    public bool OutboundNetwork { get; init; } = true;

    /// <summary>The host's Unix socket of Nimbus's own endpoint, bridged to AWS_ENDPOINT_URL inside the sandbox.</summary>
    public string? PlatformSocketPath { get; init; }

    public int EphemeralStorageMb { get; init; } = 512;

    /// <summary>
    /// A stem cell (runc): /var/task, /opt and /tmp are mount points the host fills when the cell is specialized
    /// (<see cref="IStemCellSandbox"/>); <see cref="CodeDirectory"/> and <see cref="OptDirectory"/> are not used.
    /// </summary>
    public bool StemCell { get; init; }

    /// <summary>
    /// Started in the background (a SnapStart spare): under runc its CPU share is a stem cell's until
    /// <see cref="ISandbox.Foreground"/> (docs/cold-starts.md#snapstart).
    /// </summary>
    public bool LowPriority { get; init; }

    /// <summary>
    /// runc only: join these namespaces instead of making a user-less container with its own pid namespace; null
    /// (every environment today) for the usual container.
    /// </summary>
    public RuncJoinedNamespaces? JoinedNamespaces { get; init; }

    /// <summary>
    /// runc only: this is a SnapStart version's template (docs/cold-starts.md#snapstart). The host directory is bound
    /// read-write at <see cref="RuncSnapshot.TemplateDirectoryPath"/>, where the template listens and finds the
    /// seccomp rules its restored runtimes install, and the container's filter allows <c>setns</c>.
    /// </summary>
    public string? SnapshotDirectory { get; init; }

    /// <summary>runc only: a SnapStart environment whose runtime the template forks into this container.</summary>
    public SnapshotRestore? Restore { get; init; }
}
