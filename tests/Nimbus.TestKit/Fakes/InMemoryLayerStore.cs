// SPDX-License-Identifier: Apache-2.0
using Nimbus.Core.Arns;
using Nimbus.Core.Layers;
using Nimbus.Core.Storage;

namespace Nimbus.TestKit.Fakes;

/// <summary>
/// <see cref="ILayerStore"/> in memory for unit tests. Looks into <paramref name="functions"/> (when given) to know
/// which deleted versions are still used, like the SQLite store looks into its functions table.
/// </summary>
public sealed class InMemoryLayerStore(InMemoryStateStore? functions = null) : ILayerStore
{
    private readonly Lock _lock = new();
    private readonly Dictionary<(Scope Scope, string Name), long> _latest = [];
    private readonly List<(LayerVersion Version, bool Deleted)> _versions = [];

    public Task<LayerVersion> PublishLayerVersionAsync(LayerVersion draft, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(draft);
        lock (_lock)
        {
            var key = (draft.Scope, draft.LayerName);
            var number = _latest.GetValueOrDefault(key) + 1;
            _latest[key] = number;
            var version = draft with { Version = number };
            _versions.Add((version, false));
            return Task.FromResult(version);
        }
    }

    public Task<LayerVersion?> GetLayerVersionAsync(Scope scope, string name, long version, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            return Task.FromResult(Live(scope, name).FirstOrDefault(v => v.Version == version));
        }
    }

    public Task<IReadOnlyList<LayerVersion>> ListLayerVersionsAsync(Scope scope, string name, LayerFilter filter, long? beforeVersion, int limit, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(filter);
        lock (_lock)
        {
            IReadOnlyList<LayerVersion> page = Live(scope, name)
                .Where(v => filter.Matches(v) && v.Version < (beforeVersion ?? long.MaxValue))
                .OrderByDescending(v => v.Version)
                .Take(limit)
                .ToList();
            return Task.FromResult(page);
        }
    }

    public Task<IReadOnlyList<LayerVersion>> ListLatestLayerVersionsAsync(Scope scope, LayerFilter filter, string? afterName, int limit, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(filter);
        lock (_lock)
        {
            IReadOnlyList<LayerVersion> page = _versions
                .Where(e => !e.Deleted && e.Version.Scope == scope && filter.Matches(e.Version)
                    && (afterName is null || string.CompareOrdinal(e.Version.LayerName, afterName) > 0))
                .Select(e => e.Version)
                .GroupBy(v => v.LayerName, StringComparer.Ordinal)
                .Select(g => g.MaxBy(v => v.Version)!)
                .OrderBy(v => v.LayerName, StringComparer.Ordinal)
                .Take(limit)
                .ToList();
            return Task.FromResult(page);
        }
    }

    public Task<bool> DeleteLayerVersionAsync(Scope scope, string name, long version, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            var index = _versions.FindIndex(e => !e.Deleted && Is(e.Version, scope, name) && e.Version.Version == version);
            if (index < 0)
            {
                return Task.FromResult(false);
            }

            _versions[index] = (_versions[index].Version, true);
            return Task.FromResult(true);
        }
    }

    public Task<bool> TryUpdateLayerPolicyAsync(LayerVersion updated, string? expectedPolicyRevisionId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(updated);
        lock (_lock)
        {
            var index = _versions.FindIndex(e => !e.Deleted && Is(e.Version, updated.Scope, updated.LayerName) && e.Version.Version == updated.Version);
            if (index < 0 || _versions[index].Version.PolicyRevisionId != expectedPolicyRevisionId)
            {
                return Task.FromResult(false);
            }

            _versions[index] = (_versions[index].Version with { Permissions = updated.Permissions, PolicyRevisionId = updated.PolicyRevisionId }, false);
            return Task.FromResult(true);
        }
    }

    public Task<bool> IsLayerCodeReferencedAsync(string codeSha256, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            return Task.FromResult(_versions.Any(e => e.Version.CodeSha256 == codeSha256));
        }
    }

    public Task<IReadOnlyList<string>> PurgeDeletedLayerVersionsAsync(CancellationToken cancellationToken)
    {
        var used = functions?.Snapshot().SelectMany(f => f.Latest.Layers).Select(l => l.Arn).ToHashSet(StringComparer.Ordinal) ?? [];
        lock (_lock)
        {
            var purged = _versions.Where(e => e.Deleted && !used.Contains(e.Version.LayerVersionArn)).ToList();
            _versions.RemoveAll(e => e.Deleted && !used.Contains(e.Version.LayerVersionArn));
            return Task.FromResult<IReadOnlyList<string>>(purged.Select(e => e.Version.CodeSha256).ToList());
        }
    }

    private static bool Is(LayerVersion version, Scope scope, string name) => version.Scope == scope && version.LayerName == name;

    private IEnumerable<LayerVersion> Live(Scope scope, string name) =>
        _versions.Where(e => !e.Deleted && Is(e.Version, scope, name)).Select(e => e.Version);
}
