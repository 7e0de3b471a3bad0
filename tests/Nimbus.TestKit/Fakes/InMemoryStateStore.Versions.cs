// SPDX-License-Identifier: Apache-2.0
using Nimbus.Core.Arns;
using Nimbus.Core.Functions;

namespace Nimbus.TestKit.Fakes;

/// <summary>Published versions and aliases.</summary>
public sealed partial class InMemoryStateStore
{
    public Task<bool> TryPublishVersionAsync(Scope scope, FunctionVersion latest, FunctionVersion version, int expectedLastVersion, string expectedRevisionId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(latest);
        ArgumentNullException.ThrowIfNull(version);
        lock (_lock)
        {
            if (!_functions.TryGetValue(scope, out var functions)
                || !functions.TryGetValue(version.Name, out var current)
                || current.Latest.RevisionId != expectedRevisionId
                || current.LastPublishedVersion != expectedLastVersion)
            {
                return Task.FromResult(false);
            }

            var number = int.Parse(version.Version, System.Globalization.CultureInfo.InvariantCulture);
            functions[version.Name] = current with { Latest = latest, LastPublishedVersion = number };
            var key = new FunctionKey(scope, version.Name);
            if (!_versions.TryGetValue(key, out var versions))
            {
                versions = [];
                _versions.Add(key, versions);
            }

            versions.Add(number, version);
            WriteCount++;
            return Task.FromResult(true);
        }
    }

    public Task<FunctionVersion?> GetVersionAsync(Scope scope, string name, int version, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            return Task.FromResult(_versions.TryGetValue(new FunctionKey(scope, name), out var versions) && versions.TryGetValue(version, out var found) ? found : null);
        }
    }

    public Task<IReadOnlyList<FunctionVersion>> ListVersionsAsync(Scope scope, string name, int afterVersion, int limit, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            if (!_versions.TryGetValue(new FunctionKey(scope, name), out var versions))
            {
                return Task.FromResult<IReadOnlyList<FunctionVersion>>([]);
            }

            return Task.FromResult<IReadOnlyList<FunctionVersion>>(versions.Where(pair => pair.Key > afterVersion).Take(limit).Select(pair => pair.Value).ToList());
        }
    }

    public Task UpdateVersionAsync(Scope scope, FunctionVersion version, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(version);
        lock (_lock)
        {
            var number = int.Parse(version.Version, System.Globalization.CultureInfo.InvariantCulture);
            if (_versions.TryGetValue(new FunctionKey(scope, version.Name), out var versions) && versions.ContainsKey(number))
            {
                versions[number] = version;
                WriteCount++;
            }

            return Task.CompletedTask;
        }
    }

    public Task<bool> DeleteVersionAsync(Scope scope, string name, int version, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            var key = new FunctionKey(scope, name);
            var text = version.ToString(System.Globalization.CultureInfo.InvariantCulture);
            if (_aliases.TryGetValue(key, out var aliases)
                && aliases.Values.Any(alias => alias.FunctionVersion == text || (alias.AdditionalVersionWeights?.ContainsKey(text) ?? false)))
            {
                return Task.FromResult(false);
            }

            var deleted = _versions.TryGetValue(key, out var versions) && versions.Remove(version);
            if (deleted)
            {
                DropPolicies(key, text);
            }

            WriteCount += deleted ? 1 : 0;
            return Task.FromResult(deleted);
        }
    }

    public Task<FunctionAlias?> GetAliasAsync(Scope scope, string functionName, string aliasName, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            return Task.FromResult(_aliases.TryGetValue(new FunctionKey(scope, functionName), out var aliases) && aliases.TryGetValue(aliasName, out var found) ? found : null);
        }
    }

    public Task<IReadOnlyList<FunctionAlias>> ListAliasesAsync(Scope scope, string functionName, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            return Task.FromResult<IReadOnlyList<FunctionAlias>>(
                _aliases.TryGetValue(new FunctionKey(scope, functionName), out var aliases) ? aliases.Values.ToList() : []);
        }
    }

    public Task<bool> TryCreateAliasAsync(Scope scope, FunctionAlias functionAlias, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(functionAlias);
        lock (_lock)
        {
            if (!_functions.TryGetValue(scope, out var functions) || !functions.ContainsKey(functionAlias.FunctionName))
            {
                return Task.FromResult(false);
            }

            var key = new FunctionKey(scope, functionAlias.FunctionName);
            if (!_aliases.TryGetValue(key, out var aliases))
            {
                aliases = new SortedDictionary<string, FunctionAlias>(StringComparer.Ordinal);
                _aliases.Add(key, aliases);
            }

            var added = aliases.TryAdd(functionAlias.Name, functionAlias);
            WriteCount += added ? 1 : 0;
            return Task.FromResult(added);
        }
    }

    public Task<bool> TryUpdateAliasAsync(Scope scope, FunctionAlias functionAlias, string expectedRevisionId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(functionAlias);
        lock (_lock)
        {
            if (!_aliases.TryGetValue(new FunctionKey(scope, functionAlias.FunctionName), out var aliases)
                || !aliases.TryGetValue(functionAlias.Name, out var current)
                || current.RevisionId != expectedRevisionId)
            {
                return Task.FromResult(false);
            }

            aliases[functionAlias.Name] = functionAlias;
            WriteCount++;
            return Task.FromResult(true);
        }
    }

    public Task<bool> DeleteAliasAsync(Scope scope, string functionName, string aliasName, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            var deleted = _aliases.TryGetValue(new FunctionKey(scope, functionName), out var aliases) && aliases.Remove(aliasName);
            if (deleted)
            {
                DropPolicies(new FunctionKey(scope, functionName), aliasName);
            }

            WriteCount += deleted ? 1 : 0;
            return Task.FromResult(deleted);
        }
    }
}
