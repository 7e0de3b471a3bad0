// SPDX-License-Identifier: Apache-2.0
using System.Globalization;
using Nimbus.Core.Arns;
using Nimbus.Core.Errors;
using Nimbus.Core.Validation;
using static Nimbus.Core.Functions.Paging;
using static Nimbus.Core.Functions.QualifierResolver;

namespace Nimbus.Core.Functions;

public sealed partial class VersionService
{
    private const int MaxAliasesPage = 50;

    public async Task<FunctionAlias> CreateAliasAsync(Scope scope, string functionName, string? aliasName, AliasChange change, CancellationToken cancellationToken)
    {
        var reference = FunctionReference.Parse(functionName, null, scope, forWrite: true);
        var errors = new ValidationErrors();
        if (aliasName is null)
        {
            errors.Add(null, "name", "Member must not be null");
        }

        if (change.FunctionVersion is null)
        {
            errors.Add(null, "functionVersion", "Member must not be null");
        }

        ValidateAlias(errors, aliasName, change);
        // AWS names the version asked for when the function itself is missing.
        var record = await _store.GetFunctionAsync(scope, reference.Name, cancellationToken)
            ?? throw LambdaErrors.FunctionNotFound(scope.FunctionArn(reference.Name, change.FunctionVersion));
        var alias = new FunctionAlias
        {
            Name = aliasName!, // Checked above.
            FunctionName = record.Name,
            FunctionVersion = change.FunctionVersion!, // Checked above.
            Description = change.Description ?? "",
            AdditionalVersionWeights = change.AdditionalVersionWeights is { Count: > 0 } weights ? weights : null,
            RevisionId = FunctionService.NewRevisionId(),
        };
        await CheckRoutingAsync(record, alias, cancellationToken);
        if (!await _store.TryCreateAliasAsync(scope, alias, cancellationToken))
        {
            throw LambdaErrors.Conflict($"Alias already exists: {scope.FunctionArn(record.Name, alias.Name)}");
        }

        _functions.Invalidate(new FunctionKey(scope, record.Name));
        return alias;
    }

    public async Task<FunctionAlias> GetAliasAsync(Scope scope, string functionName, string aliasName, CancellationToken cancellationToken)
    {
        var reference = FunctionReference.Parse(functionName, null, scope, forWrite: false);
        ValidateAlias(new ValidationErrors(), aliasName, new AliasChange());
        return await _store.GetAliasAsync(scope, reference.Name, aliasName, cancellationToken)
            ?? throw LambdaErrors.NotFound($"Cannot find alias arn: {scope.FunctionArn(reference.Name, aliasName)}");
    }

    public async Task<FunctionAlias> UpdateAliasAsync(Scope scope, string functionName, string aliasName, AliasChange change, CancellationToken cancellationToken)
    {
        var reference = FunctionReference.Parse(functionName, null, scope, forWrite: true);
        ValidateAlias(new ValidationErrors(), aliasName, change);
        var record = await _store.GetFunctionAsync(scope, reference.Name, cancellationToken)
            ?? throw LambdaErrors.FunctionNotFound(reference.UnqualifiedArn);
        var current = await _store.GetAliasAsync(scope, record.Name, aliasName, cancellationToken)
            ?? throw AliasNotFound(scope, record.Name, aliasName);
        if (change.RevisionId is not null && change.RevisionId != current.RevisionId)
        {
            throw LambdaErrors.RevisionMismatch();
        }

        var alias = current with
        {
            FunctionVersion = change.FunctionVersion ?? current.FunctionVersion,
            Description = change.Description ?? current.Description,
            AdditionalVersionWeights = change.AdditionalVersionWeights is { } weights
                ? (weights.Count > 0 ? weights : null)
                : current.AdditionalVersionWeights,
            RevisionId = FunctionService.NewRevisionId(),
        };
        await CheckRoutingAsync(record, alias, cancellationToken);
        if (!await _store.TryUpdateAliasAsync(scope, alias, current.RevisionId, cancellationToken))
        {
            throw LambdaErrors.RevisionMismatch();
        }

        _functions.Invalidate(new FunctionKey(scope, record.Name));
        if (alias.FunctionVersion != current.FunctionVersion)
        {
            // Provisioned concurrency on the alias follows it to the new version.
            _concurrency.ProvisionedChanged();
        }

        return alias;
    }

    /// <summary>DeleteAlias: 204 whether or not the alias existed, as on AWS; the function must exist.</summary>
    public async Task DeleteAliasAsync(Scope scope, string functionName, string aliasName, CancellationToken cancellationToken)
    {
        var reference = FunctionReference.Parse(functionName, null, scope, forWrite: false);
        ValidateAlias(new ValidationErrors(), aliasName, new AliasChange());
        var record = await _store.GetFunctionAsync(scope, reference.Name, cancellationToken)
            ?? throw LambdaErrors.FunctionNotFound(reference.UnqualifiedArn);
        await _store.DeleteAliasAsync(scope, record.Name, aliasName, cancellationToken);

        // At once, before the next write (which may wait or fail): the alias and its URL (deleted with it) are gone now.
        _functions.Invalidate(new FunctionKey(scope, record.Name));

        // Deleting an alias deletes its provisioned concurrency, as on AWS.
        await _concurrency.DeleteForQualifierAsync(scope, record.Name, aliasName, cancellationToken);
    }

    /// <summary>ListAliases in name order, optionally only those routing to <paramref name="functionVersion"/>.</summary>
    public async Task<AliasPage> ListAliasesAsync(Scope scope, string functionName, string? functionVersion, string? marker, int? maxItems, CancellationToken cancellationToken)
    {
        var reference = FunctionReference.Parse(functionName, null, scope, forWrite: false);
        var errors = new ValidationErrors();
        if (functionVersion is not null)
        {
            errors.Length(functionVersion, "functionVersion", 1, 1024);
            errors.Pattern(functionVersion, "functionVersion", Patterns.Version(), Patterns.VersionText);
        }

        errors.ThrowIfAny();
        CheckMaxItems(maxItems);
        var record = await _store.GetFunctionAsync(scope, reference.Name, cancellationToken)
            ?? throw LambdaErrors.FunctionNotFound(reference.UnqualifiedArn);
        var after = DecodeMarker(marker);
        var limit = Math.Min(maxItems ?? MaxAliasesPage, MaxAliasesPage);
        var page = new List<FunctionAlias>(limit);
        string? next = null;
        foreach (var alias in await _store.ListAliasesAsync(scope, record.Name, cancellationToken))
        {
            if ((after is not null && string.CompareOrdinal(alias.Name, after) <= 0)
                || (functionVersion is not null && alias.FunctionVersion != functionVersion && !(alias.AdditionalVersionWeights?.ContainsKey(functionVersion) ?? false)))
            {
                continue;
            }

            if (page.Count == limit)
            {
                next = EncodeMarker(page[^1].Name);
                break;
            }

            page.Add(alias);
        }

        return new AliasPage(page, next);
    }

    private static void ValidateAlias(ValidationErrors errors, string? aliasName, AliasChange change)
    {
        if (aliasName is not null)
        {
            errors.Length(aliasName, "name", 1, 128);
            errors.Pattern(aliasName, "name", Patterns.Alias(), Patterns.AliasText);
        }

        if (change.FunctionVersion is { } version)
        {
            errors.Length(version, "functionVersion", 1, 1024);
            errors.Pattern(version, "functionVersion", Patterns.Version(), Patterns.VersionText);
        }

        errors.Length(change.Description, "description", 0, LambdaQuotas.MaxDescriptionLength);
        errors.ThrowIfAny();
    }

    /// <summary>
    /// AWS's rules for where an alias may point, in the order AWS checks them (so that a request breaking several
    /// gets the same error as there), then against the stored versions.
    /// </summary>
    private async Task CheckRoutingAsync(FunctionRecord record, FunctionAlias alias, CancellationToken cancellationToken)
    {
        var weights = alias.AdditionalVersionWeights;
        if (weights is { Count: > 1 })
        {
            throw LambdaErrors.InvalidParameter("Number of items in AdditionalVersionWeights cannot be greater than 1");
        }

        if (weights is { Count: 1 })
        {
            foreach (var (additionalVersion, weight) in weights)
            {
                if (weight is < 0 or > 1 || double.IsNaN(weight))
                {
                    throw WeightsInvalid(weights, "Map value must satisfy constraint: [Member must have value less than or equal to 1.0, Member must have value greater than or equal to 0.0, Member must not be null]");
                }

                if (additionalVersion == alias.FunctionVersion)
                {
                    throw LambdaErrors.InvalidParameter(
                        $"Invalid function version {additionalVersion}. Function version {additionalVersion} is already included in routing configuration.");
                }

                if (alias.FunctionVersion == FunctionVersion.Latest)
                {
                    throw LambdaErrors.InvalidParameter("$LATEST is not supported for an alias pointing to more than 1 version");
                }

                if (additionalVersion.Length > 1024 || !Patterns.AdditionalVersion().IsMatch(additionalVersion))
                {
                    throw WeightsInvalid(
                        weights,
                        $"Map keys must satisfy constraint: [Member must have length less than or equal to 1024, Member must have length greater than or equal to 1, Member must satisfy regular expression pattern: {Patterns.AdditionalVersionText}]");
                }
            }
        }

        var primary = await AliasVersionAsync(record, alias.FunctionVersion, cancellationToken);
        if (weights is not { Count: 1 })
        {
            return;
        }

        foreach (var additionalVersion in weights.Keys)
        {
            var additional = await AliasVersionAsync(record, additionalVersion, cancellationToken);
            if (additional.Role != primary.Role)
            {
                throw LambdaErrors.InvalidParameter("Specified versions must be associated with the same execution role");
            }

            if (additional.DeadLetterTargetArn != primary.DeadLetterTargetArn)
            {
                // AWS documents this rule; its exact wording was not found, so this follows the role message.
                throw LambdaErrors.InvalidParameter("Specified versions must be associated with the same dead-letter queue configuration");
            }
        }
    }

    private static LambdaException WeightsInvalid(IReadOnlyDictionary<string, double> weights, string constraint)
    {
        var errors = new ValidationErrors();
        errors.Add(FormatWeights(weights), "routingConfig.additionalVersionWeights", constraint);
        errors.ThrowIfAny();
        return null!; // Unreachable: ThrowIfAny throws for the error just added.
    }

    private async Task<FunctionVersion> AliasVersionAsync(FunctionRecord record, string version, CancellationToken cancellationToken)
    {
        if (version == FunctionVersion.Latest)
        {
            return record.Latest;
        }

        return (TryParseVersion(version, out var number) ? await _store.GetVersionAsync(record.Scope, record.Name, number, cancellationToken) : null)
            ?? throw LambdaErrors.FunctionNotFound(record.Scope.FunctionArn(record.Name, version));
    }

    private static LambdaException AliasNotFound(Scope scope, string functionName, string aliasName) =>
        LambdaErrors.NotFound($"Alias not found: {scope.FunctionArn(functionName, aliasName)}");

    private static string FormatWeights(IReadOnlyDictionary<string, double> weights)
    {
        var parts = new List<string>(weights.Count);
        foreach (var (version, weight) in weights)
        {
            parts.Add($"{version}={JavaDouble(weight)}");
        }

        return "{" + string.Join(", ", parts) + "}";
    }

    /// <summary>A double as AWS's messages print it (Java's Double.toString for ordinary values: 2.0, -1.0, 0.25).</summary>
    private static string JavaDouble(double value)
    {
        var text = value.ToString("R", CultureInfo.InvariantCulture);
        return text.Contains('.', StringComparison.Ordinal) || text.Contains('E', StringComparison.Ordinal) ? text : text + ".0";
    }
}
