// SPDX-License-Identifier: Apache-2.0
using System.Globalization;
using Nimbus.Core.Arns;
using Nimbus.Core.Errors;
using Nimbus.Core.Storage;

namespace Nimbus.Core.Functions;

/// <summary>
/// Qualifier resolution: what a function name and qualifier (<c>$LATEST</c>, a version number or an alias, with
/// its routing weights) name, read from the function store. Used by every service that accepts a qualifier.
/// </summary>
public sealed class QualifierResolver(IFunctionStore store)
{
    private readonly IFunctionStore _store = store;

    /// <summary>Resolves a reference's qualifier to the version(s) it names; AWS's not-found error when none.</summary>
    public async Task<InvokeTarget> ResolveTargetAsync(FunctionReference reference, FunctionRecord record, CancellationToken cancellationToken)
    {
        var qualifier = reference.Qualifier;
        if (qualifier is null || qualifier == FunctionVersion.Latest)
        {
            return new InvokeTarget(record, reference, record.Latest, null, 0);
        }

        if (TryParseVersion(qualifier, out var number))
        {
            var version = await _store.GetVersionAsync(reference.Scope, record.Name, number, cancellationToken)
                ?? throw LambdaErrors.FunctionNotFound(reference.Arn);
            return new InvokeTarget(record, reference, version, null, 0);
        }

        var alias = await _store.GetAliasAsync(reference.Scope, record.Name, qualifier, cancellationToken)
            ?? throw LambdaErrors.FunctionNotFound(reference.Arn);
        var primary = await VersionOfAliasAsync(record, alias.FunctionVersion, reference, cancellationToken);
        FunctionVersion? additional = null;
        var weight = 0.0;
        if (alias.AdditionalVersionWeights is { } weights)
        {
            foreach (var (other, share) in weights)
            {
                additional = await VersionOfAliasAsync(record, other, reference, cancellationToken);
                weight = share;
            }
        }

        return new InvokeTarget(record, reference, primary, additional, weight);
    }

    private async Task<FunctionVersion> VersionOfAliasAsync(FunctionRecord record, string version, FunctionReference reference, CancellationToken cancellationToken)
    {
        if (version == FunctionVersion.Latest)
        {
            return record.Latest;
        }

        // A version an alias routes to cannot be deleted, so this is found unless the store was changed by hand.
        return await _store.GetVersionAsync(reference.Scope, record.Name, int.Parse(version, CultureInfo.InvariantCulture), cancellationToken)
            ?? throw LambdaErrors.FunctionNotFound(reference.Scope.FunctionArn(record.Name, version));
    }

    internal static bool TryParseVersion(string qualifier, out int number) =>
        int.TryParse(qualifier, NumberStyles.None, CultureInfo.InvariantCulture, out number) && number > 0;

    internal static bool IsAliasQualifier(string qualifier) => qualifier != FunctionVersion.Latest && !TryParseVersion(qualifier, out _);
}
