// SPDX-License-Identifier: Apache-2.0
using System.Globalization;
using Nimbus.Core.Arns;
using Nimbus.Core.Functions;
using Nimbus.Core.Permissions;
using Nimbus.Core.Storage;

namespace Nimbus.TestKit.Fakes;

/// <summary>Function policies, per qualifier, moving the qualifier's RevisionId with each change as SQLite does.</summary>
public sealed partial class InMemoryStateStore : IFunctionPolicyStore
{
    private readonly Dictionary<(FunctionKey Key, string Qualifier), List<FunctionStatement>> _policies = [];

    public Task<IReadOnlyList<FunctionStatement>> GetPermissionsAsync(Scope scope, string functionName, string qualifier, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            IReadOnlyList<FunctionStatement> found = _policies.TryGetValue((new FunctionKey(scope, functionName), qualifier), out var statements) ? [.. statements] : [];
            return Task.FromResult(found);
        }
    }

    public Task<bool> TryReplacePermissionsAsync(
        Scope scope,
        string functionName,
        string qualifier,
        IReadOnlyList<FunctionStatement> permissions,
        string expectedRevisionId,
        string newRevisionId,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(permissions);
        lock (_lock)
        {
            var key = new FunctionKey(scope, functionName);
            if (!TryMoveRevision(key, qualifier, expectedRevisionId, newRevisionId))
            {
                return Task.FromResult(false);
            }

            if (permissions.Count == 0)
            {
                _policies.Remove((key, qualifier));
            }
            else
            {
                _policies[(key, qualifier)] = [.. permissions];
            }

            WriteCount++;
            return Task.FromResult(true);
        }
    }

    private bool TryMoveRevision(FunctionKey key, string qualifier, string expected, string revision)
    {
        if (qualifier == FunctionVersion.Latest)
        {
            if (!_functions.TryGetValue(key.Scope, out var functions) || !functions.TryGetValue(key.Name, out var record) || record.Latest.RevisionId != expected)
            {
                return false;
            }

            functions[key.Name] = record with { Latest = record.Latest with { RevisionId = revision } };
            return true;
        }

        if (int.TryParse(qualifier, NumberStyles.None, CultureInfo.InvariantCulture, out var number))
        {
            if (!_versions.TryGetValue(key, out var versions) || !versions.TryGetValue(number, out var version) || version.RevisionId != expected)
            {
                return false;
            }

            versions[number] = version with { RevisionId = revision };
            return true;
        }

        if (!_aliases.TryGetValue(key, out var aliases) || !aliases.TryGetValue(qualifier, out var alias) || alias.RevisionId != expected)
        {
            return false;
        }

        aliases[qualifier] = alias with { RevisionId = revision };
        return true;
    }

    /// <summary>Drops the policies of a deleted function (every qualifier) or of one deleted version or alias.</summary>
    private void DropPolicies(FunctionKey key, string? qualifier = null)
    {
        foreach (var entry in _policies.Keys.Where(k => k.Key == key && (qualifier is null || k.Qualifier == qualifier)).ToList())
        {
            _policies.Remove(entry);
        }
    }
}
