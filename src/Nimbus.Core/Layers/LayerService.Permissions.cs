// SPDX-License-Identifier: Apache-2.0
using Nimbus.Core.Arns;
using Nimbus.Core.Validation;

namespace Nimbus.Core.Layers;

public sealed partial class LayerService
{
    /// <summary>AddLayerVersionPermission: adds a statement; gives the statement's JSON and the new policy revision.</summary>
    public async Task<(string Statement, string RevisionId)> AddPermissionAsync(
        Scope scope,
        string layerName,
        long version,
        LayerStatement permission,
        string? revisionId,
        CancellationToken cancellationToken)
    {
        var (owner, name) = LayerArns.ParseName(layerName, scope);
        LayerValidator.ValidatePermission(permission);
        RequireOwn(scope, owner, "AddLayerVersionPermission", LayerArns.Version(owner, name, version));
        var layer = await RequireAsync(owner, name, version, revisionId, cancellationToken);
        if (layer.Permissions.Any(p => p.StatementId == permission.StatementId))
        {
            throw LayerErrors.StatementExists(permission.StatementId);
        }

        var updated = layer with { Permissions = [.. layer.Permissions, permission], PolicyRevisionId = Guid.NewGuid().ToString() };
        await CommitAsync(layer, updated, cancellationToken);
        return (LayerPolicyDocument.Statement(updated, permission), updated.PolicyRevisionId);
    }

    public async Task RemovePermissionAsync(Scope scope, string layerName, long version, string statementId, string? revisionId, CancellationToken cancellationToken)
    {
        var (owner, name) = LayerArns.ParseName(layerName, scope);
        LayerValidator.ValidateStatementId(statementId);
        RequireOwn(scope, owner, "RemoveLayerVersionPermission", LayerArns.Version(owner, name, version));
        var layer = await RequireAsync(owner, name, version, revisionId, cancellationToken);
        if (!layer.Permissions.Any(p => p.StatementId == statementId))
        {
            throw LayerErrors.StatementNotFound(statementId);
        }

        var updated = layer with
        {
            Permissions = layer.Permissions.Where(p => p.StatementId != statementId).ToList(),
            PolicyRevisionId = Guid.NewGuid().ToString(),
        };
        await CommitAsync(layer, updated, cancellationToken);
    }

    /// <summary>GetLayerVersionPolicy: the policy document and its revision; not found while it has no statement.</summary>
    public async Task<(string Policy, string RevisionId)> GetPolicyAsync(Scope scope, string layerName, long version, CancellationToken cancellationToken)
    {
        var (owner, name) = LayerArns.ParseName(layerName, scope);
        RequireOwn(scope, owner, "GetLayerVersionPolicy", LayerArns.Version(owner, name, version));
        var layer = await layers.GetLayerVersionAsync(owner, name, version, cancellationToken) ?? throw LayerErrors.VersionNotFound();
        if (layer.Permissions.Count == 0 || layer.PolicyRevisionId is not { } revision)
        {
            throw LayerErrors.NoPolicy();
        }

        return (LayerPolicyDocument.Document(layer), revision);
    }

    private async Task<LayerVersion> RequireAsync(Scope owner, string name, long version, string? revisionId, CancellationToken cancellationToken)
    {
        var layer = await layers.GetLayerVersionAsync(owner, name, version, cancellationToken) ?? throw LayerErrors.VersionNotFound();
        if (revisionId is not null && revisionId != layer.PolicyRevisionId)
        {
            throw LayerErrors.PolicyRevisionMismatch();
        }

        return layer;
    }

    private async Task CommitAsync(LayerVersion current, LayerVersion updated, CancellationToken cancellationToken)
    {
        if (!await layers.TryUpdateLayerPolicyAsync(updated, current.PolicyRevisionId, cancellationToken))
        {
            // Another request changed the policy (or deleted the version) between our read and our write.
            throw LayerErrors.PolicyRevisionMismatch();
        }
    }
}
