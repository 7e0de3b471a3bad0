// SPDX-License-Identifier: Apache-2.0
using System.Text;
using Nimbus.Core.Access.Policies;
using Nimbus.Core.Arns;
using Nimbus.Core.Errors;
using Nimbus.Core.Functions;
using Nimbus.Core.Storage;
using Nimbus.Core.Validation;

namespace Nimbus.Core.Permissions;

/// <summary>
/// Function resource-based policies: AddPermission, RemovePermission and GetPolicy on a function (<c>$LATEST</c>), a
/// version or an alias, each with its own policy (publishing a version does not copy <c>$LATEST</c>'s), with AWS's
/// rules and texts; and the parsed policy the authorizer evaluates (<see cref="IFunctionPolicySource"/>), cached
/// beside the invoke path's function cache until the function, version, alias or policy changes. As on AWS, a
/// policy's RevisionId is its qualifier's: a change moves the function's (or alias's) RevisionId.
/// </summary>
public sealed class FunctionPolicyService(IFunctionStore functions, IFunctionPolicyStore policies, FunctionService functionService) : IFunctionPolicySource
{
    /// <summary>How often a change without a RevisionId is retried when a concurrent change (a settle) moved the revision.</summary>
    private const int Attempts = 5;

    /// <summary>AddPermission: adds a statement; gives the statement as AWS writes it.</summary>
    public async Task<string> AddPermissionAsync(Scope scope, string functionName, string? qualifier, FunctionStatement permission, string? revisionId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(permission);
        var reference = FunctionReference.Parse(functionName, qualifier, scope, forWrite: false);
        PermissionValidator.Validate(permission);
        if (reference.Qualifier == FunctionVersion.Latest)
        {
            throw PermissionErrors.LatestNotSupported();
        }

        for (var attempt = 1; ; attempt++)
        {
            var record = await functions.GetFunctionAsync(scope, reference.Name, cancellationToken)
                ?? throw LambdaErrors.FunctionNotFound(reference.UnqualifiedArn);
            var target = await ResolveAsync(reference, record, PermissionErrors.AliasNotFound, arn => LambdaErrors.FunctionNotFound(arn), cancellationToken);
            if (revisionId is not null && revisionId != target.RevisionId)
            {
                throw PermissionErrors.AddRevisionMismatch();
            }

            var existing = await policies.GetPermissionsAsync(scope, reference.Name, target.Qualifier, cancellationToken);
            if (existing.Any(p => p.StatementId == permission.StatementId))
            {
                throw PermissionErrors.StatementExists(permission.StatementId);
            }

            PermissionValidator.ValidateSemantics(permission);
            List<FunctionStatement> updated = [.. existing, permission];
            var size = Encoding.UTF8.GetByteCount(Document(updated, target.Arn));
            if (size > PermissionErrors.MaxPolicyBytes)
            {
                throw PermissionErrors.PolicyTooLarge(size);
            }

            if (await CommitAsync(scope, record, target, updated, cancellationToken))
            {
                return ResourcePolicyWriter.Statement(permission.ToStatement(), target.Arn);
            }

            if (revisionId is not null || attempt == Attempts)
            {
                throw PermissionErrors.AddRevisionMismatch();
            }
        }
    }

    /// <summary>RemovePermission: removes one statement; the policy goes when its last statement does.</summary>
    public async Task RemovePermissionAsync(Scope scope, string functionName, string? qualifier, string statementId, string? revisionId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(statementId);
        var reference = FunctionReference.Parse(functionName, qualifier, scope, forWrite: false);
        PermissionValidator.ValidateStatementId(statementId);
        for (var attempt = 1; ; attempt++)
        {
            var record = await functions.GetFunctionAsync(scope, reference.Name, cancellationToken)
                ?? throw PermissionErrors.NoPolicyFound(reference.UnqualifiedArn);
            var target = await ResolveAsync(reference, record, PermissionErrors.AliasNotFound, arn => LambdaErrors.FunctionNotFound(arn), cancellationToken);
            var existing = await policies.GetPermissionsAsync(scope, reference.Name, target.Qualifier, cancellationToken);
            if (existing.Count == 0)
            {
                throw PermissionErrors.NoPolicy();
            }

            if (!existing.Any(p => p.StatementId == statementId))
            {
                throw PermissionErrors.StatementNotFound(statementId);
            }

            if (revisionId is not null && revisionId != target.RevisionId)
            {
                throw PermissionErrors.RemoveRevisionMismatch();
            }

            if (await CommitAsync(scope, record, target, [.. existing.Where(p => p.StatementId != statementId)], cancellationToken))
            {
                return;
            }

            if (revisionId is not null || attempt == Attempts)
            {
                throw PermissionErrors.RemoveRevisionMismatch();
            }
        }
    }

    /// <summary>GetPolicy: the policy document and its RevisionId; not found while it has no statement.</summary>
    public async Task<(string Policy, string RevisionId)> GetPolicyAsync(Scope scope, string functionName, string? qualifier, CancellationToken cancellationToken)
    {
        var reference = FunctionReference.Parse(functionName, qualifier, scope, forWrite: false);
        var record = await functions.GetFunctionAsync(scope, reference.Name, cancellationToken) ?? throw PermissionErrors.ResourceNotFound();
        var target = await ResolveAsync(reference, record, _ => PermissionErrors.ResourceNotFound(), _ => PermissionErrors.ResourceNotFound(), cancellationToken);
        var existing = await policies.GetPermissionsAsync(scope, reference.Name, target.Qualifier, cancellationToken);
        if (existing.Count == 0)
        {
            throw PermissionErrors.ResourceNotFound();
        }

        return (Document(existing, target.Arn), target.RevisionId);
    }

    /// <inheritdoc />
    public async ValueTask<PolicyDocument?> FindAsync(Scope scope, string functionName, string qualifier, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(scope);
        var key = new FunctionKey(scope, functionName);
        var cache = functionService.Cache;
        if (cache.TryGetPolicy(key, qualifier, out var cached, out var generation))
        {
            return cached;
        }

        var statements = await policies.GetPermissionsAsync(scope, functionName, qualifier, cancellationToken);
        var arn = qualifier == FunctionVersion.Latest ? scope.FunctionArn(functionName) : scope.FunctionArn(functionName, qualifier);
        var policy = statements.Count == 0 ? null : PolicyParser.Parse(Document(statements, arn), PolicyKind.Resource);
        cache.SetPolicy(key, qualifier, policy, generation);
        return policy;
    }

    private static string Document(IEnumerable<FunctionStatement> permissions, string arn) =>
        ResourcePolicyWriter.Document(permissions.Select(p => p.ToStatement()), arn);

    private async Task<bool> CommitAsync(Scope scope, FunctionRecord record, PolicyTarget target, IReadOnlyList<FunctionStatement> permissions, CancellationToken cancellationToken)
    {
        if (!await policies.TryReplacePermissionsAsync(scope, record.Name, target.Qualifier, permissions, target.RevisionId, FunctionService.NewRevisionId(), cancellationToken))
        {
            return false;
        }

        functionService.LatestRevisionMoved(new FunctionKey(scope, record.Name), record.Latest);
        return true;
    }

    /// <summary>The qualifier a policy belongs to, the ARN its statements name, and its current RevisionId.</summary>
    private async Task<PolicyTarget> ResolveAsync(
        FunctionReference reference,
        FunctionRecord record,
        Func<string, LambdaException> aliasMissing,
        Func<string, LambdaException> versionMissing,
        CancellationToken cancellationToken)
    {
        var qualifier = reference.Qualifier;
        if (qualifier is null || qualifier == FunctionVersion.Latest)
        {
            return new PolicyTarget(FunctionVersion.Latest, reference.UnqualifiedArn, record.Latest.RevisionId);
        }

        var arn = reference.Scope.FunctionArn(record.Name, qualifier);
        if (QualifierResolver.TryParseVersion(qualifier, out var number))
        {
            var version = await functions.GetVersionAsync(reference.Scope, record.Name, number, cancellationToken) ?? throw versionMissing(arn);
            return new PolicyTarget(qualifier, arn, version.RevisionId);
        }

        if (!Patterns.Alias().IsMatch(qualifier))
        {
            // Neither a version nor a possible alias name (a '$' in it): AWS answers as for a missing version.
            throw versionMissing(arn);
        }

        var alias = await functions.GetAliasAsync(reference.Scope, record.Name, qualifier, cancellationToken) ?? throw aliasMissing(arn);
        return new PolicyTarget(qualifier, arn, alias.RevisionId);
    }

    private sealed record PolicyTarget(string Qualifier, string Arn, string RevisionId);
}
