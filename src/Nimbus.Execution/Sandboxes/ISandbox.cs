// SPDX-License-Identifier: Apache-2.0
namespace Nimbus.Execution.Sandboxes;

/// <summary>
/// One running sandbox with nimbus-init inside. Disposing it kills everything in it and removes what it left
/// on the host (temp directory, container, cgroup).
/// </summary>
public interface ISandbox : IAsyncDisposable
{
    /// <summary>Where the runtime sees its code, runtime directory and /tmp.</summary>
    SandboxPaths Paths { get; }

    /// <summary>Completes when nimbus-init exits, with its exit status.</summary>
    Task<int> Exited { get; }

    /// <summary>Peak memory of everything in the sandbox so far, in bytes, when the backend can tell.</summary>
    long? PeakMemoryBytes();

    /// <summary>True when the sandbox hit its memory limit (the kernel's OOM killer acted inside it).</summary>
    bool OutOfMemory();

    /// <summary>
    /// Called once the runtime's init phase is over. As on AWS, init runs unthrottled; a backend applies the
    /// CPU share that MemorySize buys from here on.
    /// </summary>
    Task InitializedAsync(CancellationToken cancellationToken);

    /// <summary>Kills everything in the sandbox at once (timeout, crash, shutdown).</summary>
    void Kill();

    /// <summary>
    /// nimbus-init adopted a runtime that is not its descendant (a SnapStart environment's, forked by its template;
    /// <paramref name="pid"/> as the host sees it under the process sandboxes). Backends that measure memory by process
    /// tree count it too; a cgroup already holds it. False when the backend refuses it (it failed the backend's
    /// checks): the backend has ended the sandbox, and the environment must not be handed out.
    /// </summary>
    bool Adopted(int pid) => true;

    /// <summary>A sandbox started with <see cref="SandboxSpec.LowPriority"/> is taken into use: it gets the usual CPU share.</summary>
    void Foreground()
    {
    }
}
