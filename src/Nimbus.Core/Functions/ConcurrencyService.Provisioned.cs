// SPDX-License-Identifier: Apache-2.0
using System.Globalization;
using Nimbus.Core.Arns;
using Nimbus.Core.Errors;
using Nimbus.Core.Validation;
using static Nimbus.Core.Functions.QualifierResolver;

namespace Nimbus.Core.Functions;

/// <summary>Provisioned concurrency: configs per version or alias, checked against the reservation.</summary>
public sealed partial class ConcurrencyService
{
    private int _provisionedGeneration;

    /// <summary>Moves on whenever a provisioned-concurrency config is put or deleted (the worker reloads then).</summary>
    public int ProvisionedGeneration => Volatile.Read(ref _provisionedGeneration);

    /// <summary>Tells the provisioned-concurrency worker to reload (an alias it serves moved to another version).</summary>
    internal void ProvisionedChanged() => Interlocked.Increment(ref _provisionedGeneration);

    /// <summary>
    /// Deletes the provisioned config of a version or alias that goes (DeleteFunction with a Qualifier, DeleteAlias),
    /// as on AWS.
    /// </summary>
    internal async Task DeleteForQualifierAsync(Scope scope, string functionName, string qualifier, CancellationToken cancellationToken)
    {
        if (await _provisioned.DeleteProvisionedConcurrencyAsync(scope, functionName, qualifier, cancellationToken))
        {
            Interlocked.Increment(ref _provisionedGeneration);
        }
    }

    /// <summary>PutProvisionedConcurrencyConfig: stored IN_PROGRESS; the environments are started in the background.</summary>
    public async Task<ProvisionedConcurrencyConfig> PutProvisionedConcurrencyAsync(Scope scope, string functionName, string? qualifier, int? requested, CancellationToken cancellationToken)
    {
        var reference = ParseProvisioned(functionName, qualifier, scope, requested, isPut: true);

        // Checked against the reservation and the other configs: no reservation change may slip in between.
        await _reservationLock.WaitAsync(cancellationToken);
        try
        {
            return await PutProvisionedAsync(scope, reference, requested!.Value, cancellationToken); // Checked by ParseProvisioned.
        }
        finally
        {
            _reservationLock.Release();
        }
    }

    private async Task<ProvisionedConcurrencyConfig> PutProvisionedAsync(Scope scope, FunctionReference reference, int count, CancellationToken cancellationToken)
    {
        var record = await _store.GetFunctionAsync(scope, reference.Name, cancellationToken);
        var target = await ProvisionedTargetAsync(reference, record, cancellationToken);
        if (target.Primary.SnapStartApplyOn == SnapStart.PublishedVersions)
        {
            throw SnapStart.ProvisionedConcurrencyRefused();
        }

        var existing = await _provisioned.ListProvisionedConcurrencyAsync(scope, target.Record.Name, cancellationToken);
        foreach (var (_, other) in existing)
        {
            if (other.Qualifier == reference.Qualifier)
            {
                continue;
            }

            // An alias and the version it points to cannot both be provisioned.
            if (IsAliasQualifier(reference.Qualifier!) && other.Qualifier == target.Primary.Version)
            {
                throw LambdaErrors.Conflict("Alias can't be used for Provisioned Concurrency configuration on an already Provisioned version");
            }

            if (!IsAliasQualifier(reference.Qualifier!) && IsAliasQualifier(other.Qualifier)
                && (await _store.GetAliasAsync(scope, target.Record.Name, other.Qualifier, cancellationToken))?.FunctionVersion == reference.Qualifier)
            {
                throw LambdaErrors.Conflict("Version is pointed by a Provisioned Concurrency alias");
            }
        }

        var reserved = await _concurrency.GetReservedConcurrencyAsync(scope, target.Record.Name, cancellationToken);
        var provisionedOnFunction = count;
        foreach (var (_, other) in existing)
        {
            provisionedOnFunction += other.Qualifier == reference.Qualifier ? 0 : other.Requested;
        }

        if (reserved is { } limitOfFunction && provisionedOnFunction > limitOfFunction)
        {
            throw LambdaErrors.InvalidParameter("Requested Provisioned Concurrency should not be greater than the reservedConcurrentExecution for function");
        }

        // Without a reservation, provisioned environments come out of the account's unreserved concurrency (the limit
        // less every reservation), which must keep its minimum beside the other unreserved functions' provisioned ones.
        var limit = _options.ConcurrentExecutions;
        var unreserved = limit - _reservations.TotalReserved(scope);
        var provisionedElsewhere = 0;
        foreach (var (otherScope, other) in await _provisioned.ListProvisionedConcurrencyAsync(null, null, cancellationToken))
        {
            if (otherScope == scope
                && !(other.FunctionName == target.Record.Name && other.Qualifier == reference.Qualifier)
                && _reservations.Find(scope, other.FunctionName) is null)
            {
                provisionedElsewhere += other.Requested;
            }
        }

        if (reserved is null && count > unreserved)
        {
            throw LambdaErrors.InvalidParameter(
                $"Specified ConcurrentExecutions for function is greater than account's unreserved concurrency [{unreserved.ToString(CultureInfo.InvariantCulture)}].");
        }

        if (reserved is null && unreserved - provisionedElsewhere - count < ConcurrencyRules.MinimumUnreservedFor(limit))
        {
            throw LambdaErrors.InvalidParameter(
                $"Specified ConcurrentExecutions for function decreases account's UnreservedConcurrentExecution below its minimum value of [{ConcurrencyRules.MinimumUnreservedFor(limit).ToString(CultureInfo.InvariantCulture)}].");
        }

        var config = new ProvisionedConcurrencyConfig
        {
            FunctionName = target.Record.Name,
            Qualifier = reference.Qualifier!,
            Requested = count,
            LastModified = TruncateToSeconds(_time.GetUtcNow()),
            Revision = Guid.NewGuid().ToString("N"),
        };
        if (!await _provisioned.PutProvisionedConcurrencyAsync(scope, config, cancellationToken))
        {
            throw LambdaErrors.FunctionNotFound(reference.Arn);
        }

        Interlocked.Increment(ref _provisionedGeneration);
        return config;
    }

    public async Task<ProvisionedConcurrencyConfig> GetProvisionedConcurrencyAsync(Scope scope, string functionName, string? qualifier, CancellationToken cancellationToken)
    {
        var reference = ParseProvisioned(functionName, qualifier, scope, requested: null, isPut: false);
        var record = await _store.GetFunctionAsync(scope, reference.Name, cancellationToken);
        var target = await ProvisionedTargetAsync(reference, record, cancellationToken);
        return await _provisioned.GetProvisionedConcurrencyAsync(scope, target.Record.Name, reference.Qualifier!, cancellationToken)
            ?? throw new LambdaException("ProvisionedConcurrencyConfigNotFoundException", 404, "No Provisioned Concurrency Config found for this function");
    }

    /// <summary>DeleteProvisionedConcurrencyConfig: 204 whether or not there was one, as on AWS.</summary>
    public async Task DeleteProvisionedConcurrencyAsync(Scope scope, string functionName, string? qualifier, CancellationToken cancellationToken)
    {
        var reference = ParseProvisioned(functionName, qualifier, scope, requested: null, isPut: false);
        var record = await _store.GetFunctionAsync(scope, reference.Name, cancellationToken);
        var target = await ProvisionedTargetAsync(reference, record, cancellationToken);
        if (await _provisioned.DeleteProvisionedConcurrencyAsync(scope, target.Record.Name, reference.Qualifier!, cancellationToken))
        {
            Interlocked.Increment(ref _provisionedGeneration);
        }
    }

    public async Task<IReadOnlyList<ProvisionedConcurrencyConfig>> ListProvisionedConcurrencyAsync(Scope scope, string functionName, CancellationToken cancellationToken)
    {
        var reference = FunctionReference.Parse(functionName, null, scope, forWrite: false);
        var record = await _store.GetFunctionAsync(scope, reference.Name, cancellationToken)
            ?? throw LambdaErrors.FunctionNotFound(reference.UnqualifiedArn);
        var configs = await _provisioned.ListProvisionedConcurrencyAsync(scope, record.Name, cancellationToken);
        var list = new List<ProvisionedConcurrencyConfig>(configs.Count);
        foreach (var (_, config) in configs)
        {
            list.Add(config);
        }

        return list;
    }

    /// <summary>Every provisioned-concurrency config of every account, for the worker that keeps them warm.</summary>
    public Task<IReadOnlyList<(Scope Scope, ProvisionedConcurrencyConfig Config)>> ListAllProvisionedConcurrencyAsync(CancellationToken cancellationToken) =>
        _provisioned.ListProvisionedConcurrencyAsync(null, null, cancellationToken);

    /// <summary>Records how far the worker got; ignored when the config was replaced or deleted meanwhile.</summary>
    public Task ReportProvisionedConcurrencyAsync(Scope scope, ProvisionedConcurrencyConfig config, CancellationToken cancellationToken) =>
        _provisioned.TryUpdateProvisionedConcurrencyAsync(scope, config, cancellationToken);

    private static FunctionReference ParseProvisioned(string functionName, string? qualifier, Scope scope, int? requested, bool isPut)
    {
        var reference = FunctionReference.Parse(functionName, qualifier, scope, forWrite: false);
        var errors = new ValidationErrors();
        if (reference.Qualifier is null)
        {
            errors.Add(null, "qualifier", "Member must not be null");
        }

        if (isPut)
        {
            if (requested is null)
            {
                errors.Add(null, "provisionedConcurrentExecutions", "Member must not be null");
            }
            else
            {
                errors.Range(requested, "provisionedConcurrentExecutions", 1, int.MaxValue);
            }
        }

        errors.ThrowIfAny();
        if (reference.Qualifier == FunctionVersion.Latest)
        {
            throw LambdaErrors.InvalidParameter(isPut
                ? "Provisioned Concurrency Configs cannot be applied to unpublished function versions."
                : "The function resource provided must be an alias or a published version.");
        }

        return reference;
    }

    /// <summary>The version or alias a provisioned-concurrency call names, with AWS's not-found messages.</summary>
    private async Task<InvokeTarget> ProvisionedTargetAsync(FunctionReference reference, FunctionRecord? record, CancellationToken cancellationToken)
    {
        var qualifier = reference.Qualifier!;
        if (IsAliasQualifier(qualifier))
        {
            if (record is null || await _store.GetAliasAsync(reference.Scope, record.Name, qualifier, cancellationToken) is null)
            {
                throw LambdaErrors.NotFound($"Cannot find alias arn: {reference.Arn}");
            }
        }
        else if (record is null)
        {
            throw LambdaErrors.FunctionNotFound(reference.Arn);
        }

        return await _resolver.ResolveTargetAsync(reference, record, cancellationToken);
    }

    /// <summary>AWS reports provisioned-concurrency times to the second.</summary>
    private static DateTimeOffset TruncateToSeconds(DateTimeOffset value) =>
        new(value.Ticks - (value.Ticks % TimeSpan.TicksPerSecond), value.Offset);
}
