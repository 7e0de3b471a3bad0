// SPDX-License-Identifier: Apache-2.0
namespace Nimbus.Core.Runtimes;

/// <summary>The runtimes this host can run: each supported runtime id mapped to what runs it here.</summary>
public interface IRuntimeRegistry
{
    /// <summary>Supported runtime ids, in a stable order for messages.</summary>
    IReadOnlyList<string> Supported { get; }

    /// <summary>The interpreter that runs <paramref name="runtime"/> on this host, or null when it cannot run here.</summary>
    HostRuntime? Find(string runtime);
}
