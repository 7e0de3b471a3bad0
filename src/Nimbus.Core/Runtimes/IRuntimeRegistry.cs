// SPDX-License-Identifier: Apache-2.0
namespace Nimbus.Core.Runtimes;

/// <summary>The runtimes this host can run: each supported runtime id mapped to what runs it here.</summary>
public interface IRuntimeRegistry
{
    /// <summary>Supported runtime ids, in a stable order for messages.</summary>
    IReadOnlyList<string> Supported { get; }

    /// <summary>The interpreter that runs <paramref name="runtime"/> on this host, or null when it cannot run here.</summary>
    HostRuntime? Find(string runtime);

    /// <summary>
    /// Makes <paramref name="runtime"/> runnable here when it can be (an interpreter fetched from a package registry
    /// and cached, a runtime client compiled), then answers as <see cref="Find"/>: null when it cannot be provided.
    /// Called before a function is created or reconfigured with the runtime and before an environment of it starts.
    /// </summary>
    ValueTask<HostRuntime?> AcquireAsync(string runtime, CancellationToken cancellationToken) => ValueTask.FromResult(Find(runtime));
}
