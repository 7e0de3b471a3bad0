// SPDX-License-Identifier: Apache-2.0
using Nimbus.Core.Runtimes;

namespace Nimbus.TestKit.Fakes;

/// <summary>
/// <see cref="IRuntimeRegistry"/> with a fixed list of runtimes, each "found" at a fake interpreter path, and a
/// record of every runtime looked up.
/// </summary>
public sealed class FakeRuntimeRegistry : IRuntimeRegistry
{
    private readonly Dictionary<string, HostRuntime> _runtimes;
    private readonly List<string> _lookups = [];

    public FakeRuntimeRegistry(params string[] supported)
    {
        Supported = supported;
        _runtimes = supported.ToDictionary(
            id => id,
            id => new HostRuntime(id, RuntimeCatalog.FamilyOf(id), $"/fake/bin/{id}", null),
            StringComparer.Ordinal);
    }

    /// <summary>A registry with python3.12, nodejs22.x and provided.al2023.</summary>
    public static FakeRuntimeRegistry Default() => new("python3.12", "nodejs22.x", "provided.al2023");

    public IReadOnlyList<string> Supported { get; }

    /// <summary>Every runtime passed to <see cref="Find"/>, in order.</summary>
    public IReadOnlyList<string> Lookups => _lookups;

    /// <summary>Puts <paramref name="runtime"/> on this "host" in place of the fake one of its id.</summary>
    public void Install(HostRuntime runtime) => _runtimes[runtime.Id] = runtime;

    /// <summary>Makes a runtime unavailable on this "host" from now on (it stays in <see cref="Supported"/>).</summary>
    public void Uninstall(string runtime) => _runtimes.Remove(runtime);

    public HostRuntime? Find(string runtime)
    {
        _lookups.Add(runtime);
        return _runtimes.GetValueOrDefault(runtime);
    }
}
