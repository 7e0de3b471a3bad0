// SPDX-License-Identifier: Apache-2.0
using Nimbus.Core.Arns;
using Nimbus.Core.Errors;
using Nimbus.Core.Validation;
using Nimbus.Core.Storage;
using static Nimbus.Core.Functions.QualifierResolver;

namespace Nimbus.Core.Functions;

/// <summary>
/// Event invoke configs (retries, maximum event age, destinations of asynchronous invocations) and the recursive
/// loop setting. Like <see cref="FunctionService"/> it does no I/O itself and commits before returning.
/// </summary>
public sealed class EventInvokeConfigService(IFunctionStore store, IEventInvokeConfigStore invokeConfigs, FunctionService functions, TimeProvider time)
{
    private readonly IFunctionStore _store = store;
    private readonly IEventInvokeConfigStore _invokeConfigs = invokeConfigs;
    private readonly FunctionService _functions = functions;
    private readonly TimeProvider _time = time;

    /// <summary>PutFunctionEventInvokeConfig: replaces the whole config of a qualifier ($LATEST when none is given).</summary>
    public Task<EventInvokeConfig> PutEventInvokeConfigAsync(Scope scope, string functionName, string? qualifier, EventInvokeConfigChange change, CancellationToken cancellationToken) =>
        SaveEventInvokeConfigAsync(scope, functionName, qualifier, change, replace: true, cancellationToken);

    /// <summary>UpdateFunctionEventInvokeConfig: changes the given fields of an existing config.</summary>
    public Task<EventInvokeConfig> UpdateEventInvokeConfigAsync(Scope scope, string functionName, string? qualifier, EventInvokeConfigChange change, CancellationToken cancellationToken) =>
        SaveEventInvokeConfigAsync(scope, functionName, qualifier, change, replace: false, cancellationToken);

    public async Task<EventInvokeConfig> GetEventInvokeConfigAsync(Scope scope, string functionName, string? qualifier, CancellationToken cancellationToken)
    {
        var reference = FunctionReference.Parse(functionName, qualifier, scope, forWrite: false);
        var effective = reference.Qualifier ?? FunctionVersion.Latest;
        return await _invokeConfigs.GetEventInvokeConfigAsync(scope, reference.Name, effective, cancellationToken)
            ?? throw NoEventInvokeConfig(scope, reference.Name, effective);
    }

    public async Task DeleteEventInvokeConfigAsync(Scope scope, string functionName, string? qualifier, CancellationToken cancellationToken)
    {
        var reference = FunctionReference.Parse(functionName, qualifier, scope, forWrite: false);
        var effective = reference.Qualifier ?? FunctionVersion.Latest;
        if (!await _invokeConfigs.DeleteEventInvokeConfigAsync(scope, reference.Name, effective, cancellationToken))
        {
            throw NoEventInvokeConfig(scope, reference.Name, effective);
        }
    }

    public async Task<IReadOnlyList<EventInvokeConfig>> ListEventInvokeConfigsAsync(Scope scope, string functionName, CancellationToken cancellationToken)
    {
        var reference = FunctionReference.Parse(functionName, null, scope, forWrite: false);
        if (await _store.GetFunctionAsync(scope, reference.Name, cancellationToken) is null)
        {
            throw LambdaErrors.NotFound("The function doesn't exist.");
        }

        return await _invokeConfigs.ListEventInvokeConfigsAsync(scope, reference.Name, cancellationToken);
    }

    /// <summary>PutFunctionRecursionConfig: Terminate (the default) stops recursive loops; Allow lets them run.</summary>
    public async Task<string> PutRecursionConfigAsync(Scope scope, string functionName, string? recursiveLoop, CancellationToken cancellationToken)
    {
        var reference = FunctionReference.Parse(functionName, null, scope, forWrite: false);
        var errors = new ValidationErrors();
        if (recursiveLoop is null)
        {
            errors.Add(null, "recursiveLoop", "Member must not be null");
        }

        errors.Enum(recursiveLoop, "recursiveLoop", [RecursiveLoops.Terminate, RecursiveLoops.Allow]);
        errors.ThrowIfAny();
        if (reference.Qualifier is not null)
        {
            throw LambdaErrors.FunctionOnly();
        }

        if (!await _store.SetRecursiveLoopAsync(scope, reference.Name, recursiveLoop!, cancellationToken))
        {
            throw LambdaErrors.FunctionNotFound(reference.UnqualifiedArn);
        }

        _functions.Invalidate(new FunctionKey(scope, reference.Name));
        return recursiveLoop!;
    }

    public async Task<string> GetRecursionConfigAsync(Scope scope, string functionName, CancellationToken cancellationToken)
    {
        var reference = FunctionReference.Parse(functionName, null, scope, forWrite: false);
        var record = await _store.GetFunctionAsync(scope, reference.Name, cancellationToken)
            ?? throw LambdaErrors.FunctionNotFound(reference.UnqualifiedArn);
        return record.RecursiveLoop;
    }

    private async Task<EventInvokeConfig> SaveEventInvokeConfigAsync(Scope scope, string functionName, string? qualifier, EventInvokeConfigChange change, bool replace, CancellationToken cancellationToken)
    {
        var reference = FunctionReference.Parse(functionName, qualifier, scope, forWrite: false);
        var effective = reference.Qualifier ?? FunctionVersion.Latest;
        var errors = new ValidationErrors();
        errors.Range(change.MaximumRetryAttempts, "maximumRetryAttempts", 0, 2);
        errors.Range(change.MaximumEventAgeInSeconds, "maximumEventAgeInSeconds", 60, 21_600);
        errors.Pattern(change.OnFailure, "destinationConfig.onFailure.destination", Patterns.DestinationArn(), Patterns.DestinationArnText);
        errors.Pattern(change.OnSuccess, "destinationConfig.onSuccess.destination", Patterns.DestinationArn(), Patterns.DestinationArnText);
        errors.ThrowIfAny();
        if (replace && change.MaximumRetryAttempts is null && change.MaximumEventAgeInSeconds is null && !change.HasDestinationConfig)
        {
            throw LambdaErrors.InvalidParameter("You must specify at least one of error handling or destination setting.");
        }

        var record = await _store.GetFunctionAsync(scope, reference.Name, cancellationToken)
            ?? throw LambdaErrors.NotFound("The function doesn't exist.");
        if (effective != FunctionVersion.Latest)
        {
            var exists = TryParseVersion(effective, out var number)
                ? await _store.GetVersionAsync(scope, record.Name, number, cancellationToken) is not null
                : await _store.GetAliasAsync(scope, record.Name, effective, cancellationToken) is not null;
            if (!exists)
            {
                throw LambdaErrors.NotFound("The function doesn't exist.");
            }
        }

        EventInvokeConfig? current = null;
        if (!replace)
        {
            current = await _invokeConfigs.GetEventInvokeConfigAsync(scope, record.Name, effective, cancellationToken)
                ?? throw NoEventInvokeConfig(scope, record.Name, effective);
        }

        var config = new EventInvokeConfig
        {
            FunctionName = record.Name,
            Qualifier = effective,
            MaximumRetryAttempts = change.MaximumRetryAttempts ?? current?.MaximumRetryAttempts,
            MaximumEventAgeInSeconds = change.MaximumEventAgeInSeconds ?? current?.MaximumEventAgeInSeconds,
            OnSuccess = Destination(change.OnSuccess, change.HasDestinationConfig, current?.OnSuccess),
            OnFailure = Destination(change.OnFailure, change.HasDestinationConfig, current?.OnFailure),
            LastModified = _time.GetUtcNow(),
        };
        await CheckDestinationsAsync(record, config, cancellationToken);
        if (!await _invokeConfigs.PutEventInvokeConfigAsync(scope, config, cancellationToken))
        {
            throw LambdaErrors.NotFound("The function doesn't exist.");
        }

        return config;
    }

    private static string? Destination(string? given, bool hasDestinationConfig, string? current) =>
        !hasDestinationConfig ? current : string.IsNullOrEmpty(given) ? null : given;

    /// <summary>
    /// AWS's checks of destination ARNs: a known service (SQS, SNS, Lambda, EventBridge), not the function itself,
    /// and for a function, one that exists. SNS topics and EventBridge buses are refused until Nimbus has them.
    /// </summary>
    private async Task CheckDestinationsAsync(FunctionRecord record, EventInvokeConfig config, CancellationToken cancellationToken)
    {
        var service = (ServiceOf(config.OnSuccess), ServiceOf(config.OnFailure));
        if (service.Item1 is not (null or "sqs" or "sns" or "lambda" or "events") || service.Item2 is not (null or "sqs" or "sns" or "lambda" or "events"))
        {
            throw LambdaErrors.InvalidParameter(
                $"The provided destination config DestinationConfig(onSuccess={Describe("OnSuccess", config.OnSuccess)}, onFailure={Describe("OnFailure", config.OnFailure)}) is invalid.");
        }

        foreach (var destination in (string?[])[config.OnSuccess, config.OnFailure])
        {
            if (destination is null)
            {
                continue;
            }

            switch (ServiceOf(destination))
            {
                case "sns" or "events":
                    throw LambdaErrors.InvalidParameter(
                        $"The destination {destination} is an {(ServiceOf(destination) == "sns" ? "SNS topic" : "EventBridge event bus")}, which this Nimbus server does not have yet. Use an SQS queue or a Lambda function.");
                case "lambda":
                    var target = Patterns.FunctionName().Match(destination.Split(":function:", 2) is [_, var rest] ? rest : "");
                    if (!target.Success)
                    {
                        throw LambdaErrors.InvalidParameter($"The destination ARN {destination} is invalid.");
                    }

                    var targetName = target.Groups["name"].Value;
                    if (targetName == record.Name)
                    {
                        throw LambdaErrors.InvalidParameter("You can't specify the function as a destination for itself.");
                    }

                    if (await _store.GetFunctionAsync(record.Scope, targetName, cancellationToken) is null)
                    {
                        throw LambdaErrors.InvalidParameter($"The destination ARN {destination} is invalid.");
                    }

                    break;
            }
        }
    }

    private static string? ServiceOf(string? arn) => arn?.Split(':') is [_, _, var service, ..] ? service : null;

    private static string Describe(string kind, string? destination) => destination is null ? "null" : $"{kind}(destination={destination})";

    private static LambdaException NoEventInvokeConfig(Scope scope, string functionName, string qualifier) =>
        LambdaErrors.NotFound($"The function {scope.FunctionArn(functionName, qualifier)} doesn't have an EventInvokeConfig");
}
