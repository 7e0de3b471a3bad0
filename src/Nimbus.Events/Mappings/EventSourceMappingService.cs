// SPDX-License-Identifier: Apache-2.0
using Nimbus.Core.Arns;
using Nimbus.Core.Errors;
using Nimbus.Core.Filtering;
using Nimbus.Core.Functions;
using Nimbus.Core.Mappings;
using Nimbus.Core.Storage;
using Nimbus.Core.Validation;
using Nimbus.Events.Async;

namespace Nimbus.Events.Mappings;

/// <summary>
/// The event source mapping control plane: AWS's rules for Create/Get/Update/Delete/ListEventSourceMappings with SQS
/// sources. Every change is committed before it returns, in a transitional state (Creating, Updating, Enabling,
/// Disabling, Deleting) that the event source mapping worker completes once its pollers follow.
/// </summary>
public sealed partial class EventSourceMappingService(
    IEventSourceMappingStore store,
    FunctionService functions,
    TimeProvider time,
    IQueueDestination? queues = null,
    IQueueSource? sources = null,
    FunctionRoleAccess? roles = null) : IDisposable
{
    private readonly SemaphoreSlim _unversionedWrites = new(1, 1);
    private const string ReportBatchItemFailures = "ReportBatchItemFailures";
    private int _generation;

    public void Dispose() => _unversionedWrites.Dispose();

    /// <summary>Moves on with every change, so the worker knows to reload.</summary>
    public int Generation => Volatile.Read(ref _generation);

    /// <summary>Raised after every change (on the caller's thread): the worker wakes and reloads instead of polling.</summary>
    public event Action? Changed;

    private void OnChanged()
    {
        Interlocked.Increment(ref _generation);
        Changed?.Invoke();
    }

    public async Task<EventSourceMapping> CreateAsync(Scope scope, EventSourceMappingChange change, CancellationToken cancellationToken)
    {
        var errors = new ValidationErrors();
        if (change.FunctionName is null)
        {
            errors.Add(null, "functionName", "Member must not be null");
        }

        Validate(errors, change);
        TagRules.Validate(change.Tags, "tags");
        if (change.Tags is { Count: > LambdaQuotas.MaxTags })
        {
            throw LambdaErrors.InvalidParameter("Number of tags exceeds resource tag limit.");
        }

        var source = CheckSource(change.EventSourceArn, scope);
        var (name, qualifier, timeout, version) = await ResolveFunctionAsync(scope, change.FunctionName!, cancellationToken);
        var batchSize = change.BatchSize ?? 10;
        var window = change.MaximumBatchingWindowInSeconds ?? 0;
        CheckBatching(batchSize, window, source);
        if (roles is not null && await MissingPermissionAsync(roles, scope, version, source, cancellationToken) is { } missing)
        {
            // Lambda reads the queue as the function's role, and first asks what it may do there (AWS's text, as reported
            // in 2025; it named "The provided execution role" before). ReceiveMessage's is the one seen; the others follow it.
            throw LambdaErrors.InvalidParameter($"The function execution role does not have permissions to call {missing} on SQS");
        }
        if (queues is not null && !await queues.ExistsAsync(source, cancellationToken))
        {
            throw LambdaErrors.InvalidParameter(
                "Error occurred while ReceiveMessage. SQS Error Code: AWS.SimpleQueueService.NonExistentQueue. SQS Error Message: The specified queue does not exist.");
        }

        await CheckVisibilityAsync(source, timeout, cancellationToken);
        var mapping = new EventSourceMapping
        {
            Uuid = Guid.NewGuid().ToString(),
            Scope = scope,
            EventSourceArn = source,
            FunctionName = name,
            Qualifier = qualifier,
            BatchSize = batchSize,
            MaximumBatchingWindowInSeconds = window,
            FunctionResponseTypes = change.FunctionResponseTypes ?? [],
            MaximumConcurrency = change.MaximumConcurrency is > 0 ? change.MaximumConcurrency : null,
            Filters = change.Filters is { Count: > 0 } filters ? filters : null,
            Enabled = change.Enabled ?? true,
            Tags = change.Tags is { } tags ? new Dictionary<string, string>(tags) : new Dictionary<string, string>(),
            State = EventSourceMappingStates.Creating,
            LastModified = Now(),
        };
        if (!await store.TryCreateEventSourceMappingAsync(mapping, cancellationToken))
        {
            var existing = await store.ListEventSourceMappingsAsync(scope, source, name, cancellationToken);
            throw LambdaErrors.Conflict(
                $"An event source mapping with SQS arn (\" {source} \") and function (\" {name} \") already exists. Please update or delete the existing mapping with UUID {(existing.Count > 0 ? existing[0].Uuid : "")}");
        }

        OnChanged();
        return mapping;
    }

    public async Task<EventSourceMapping> GetAsync(Scope scope, string uuid, CancellationToken cancellationToken)
    {
        var mapping = await store.GetEventSourceMappingAsync(uuid, cancellationToken);
        return mapping is not null && mapping.Scope == scope ? mapping : throw NotFound();
    }

    public async Task<EventSourceMapping> UpdateAsync(Scope scope, string uuid, EventSourceMappingChange change, CancellationToken cancellationToken)
    {
        Validate(new ValidationErrors(), change);
        var current = await GetAsync(scope, uuid, cancellationToken);
        if (current.State == EventSourceMappingStates.Deleting)
        {
            throw new LambdaException("ResourceInUseException", 400, $"Cannot update the event source mapping {uuid} because it is being deleted.");
        }

        if (change.FunctionName is { } functionName)
        {
            var (_, _, timeout, _) = await ResolveFunctionAsync(scope, functionName, cancellationToken);
            await CheckVisibilityAsync(current.EventSourceArn, timeout, cancellationToken);
        }

        var (name, qualifier) = change.FunctionName is { } newName
            ? await NameOfAsync(scope, newName, cancellationToken)
            : (current.FunctionName, current.Qualifier);
        var batchSize = change.BatchSize ?? current.BatchSize;
        var window = change.MaximumBatchingWindowInSeconds ?? current.MaximumBatchingWindowInSeconds;
        CheckBatching(batchSize, window, current.EventSourceArn);
        var enabled = change.Enabled ?? current.Enabled;
        var mapping = current with
        {
            FunctionName = name,
            Qualifier = qualifier,
            BatchSize = batchSize,
            MaximumBatchingWindowInSeconds = window,
            FunctionResponseTypes = change.FunctionResponseTypes ?? current.FunctionResponseTypes,
            MaximumConcurrency = change.MaximumConcurrency is { } concurrency ? (concurrency > 0 ? concurrency : null) : current.MaximumConcurrency,
            Filters = change.Filters is { } filters ? (filters.Count > 0 ? filters : null) : current.Filters,
            Enabled = enabled,
            State = enabled == current.Enabled ? EventSourceMappingStates.Updating
                : enabled ? EventSourceMappingStates.Enabling : EventSourceMappingStates.Disabling,
            LastModified = Now(),
        };
        if (!await store.TryUpdateEventSourceMappingAsync(mapping, current.LastModified, cancellationToken))
        {
            throw LambdaErrors.Conflict($"The event source mapping {uuid} was changed by another request. Get it again and retry.");
        }

        OnChanged();
        return mapping;
    }

    /// <summary>DeleteEventSourceMapping: answered in the Deleting state; the mapping goes once its pollers stopped.</summary>
    public async Task<EventSourceMapping> DeleteAsync(Scope scope, string uuid, CancellationToken cancellationToken)
    {
        var current = await GetAsync(scope, uuid, cancellationToken);
        var mapping = current with { State = EventSourceMappingStates.Deleting, LastModified = Now() };
        if (current.State != EventSourceMappingStates.Deleting
            && !await store.TryUpdateEventSourceMappingAsync(mapping, current.LastModified, cancellationToken))
        {
            throw LambdaErrors.Conflict($"The event source mapping {uuid} was changed by another request. Get it again and retry.");
        }

        OnChanged();
        return mapping;
    }

    public async Task<(IReadOnlyList<EventSourceMapping> Mappings, string? NextMarker)> ListAsync(Scope scope, string? eventSourceArn, string? functionName, string? marker, int? maxItems, CancellationToken cancellationToken)
    {
        if (maxItems is { } max && max is < 1 or > 10_000)
        {
            var errors = new ValidationErrors();
            errors.Range(max, "maxItems", 1, 10_000);
            errors.ThrowIfAny();
        }

        string? name = null;
        if (functionName is not null)
        {
            name = FunctionReference.Parse(functionName, null, scope, forWrite: false).Name;
        }

        var all = await store.ListEventSourceMappingsAsync(scope, eventSourceArn, name, cancellationToken);
        var limit = Math.Min(maxItems ?? 100, 100);
        var page = new List<EventSourceMapping>(Math.Min(limit, all.Count));
        string? next = null;
        foreach (var mapping in all)
        {
            if (marker is not null && string.CompareOrdinal(mapping.Uuid, marker) <= 0)
            {
                continue;
            }

            if (page.Count == limit)
            {
                next = page[^1].Uuid;
                break;
            }

            page.Add(mapping);
        }

        return (page, next);
    }

    private static void Validate(ValidationErrors errors, EventSourceMappingChange change)
    {
        errors.Range(change.BatchSize, "batchSize", 1, 10_000);
        errors.Range(change.MaximumBatchingWindowInSeconds, "maximumBatchingWindowInSeconds", 0, 300);
        if (change.MaximumConcurrency is > 0 and var concurrency)
        {
            errors.Range(concurrency, "scalingConfig.maximumConcurrency", 2, 1000);
        }

        if (change.FunctionResponseTypes is { } types)
        {
            if (types.Count > 1)
            {
                errors.Add(ValidationErrors.ListText(types), "functionResponseTypes", "Member must have length less than or equal to 1");
            }

            for (var i = 0; i < types.Count; i++)
            {
                if (errors.MemberNotNull(types[i], "functionResponseTypes", i))
                {
                    errors.Enum(types[i], "functionResponseTypes", [ReportBatchItemFailures]);
                }
            }
        }

        errors.ThrowIfAny();
        if (change.UnsupportedMembers.Count > 0)
        {
            throw LambdaErrors.InvalidParameter($"Unsupported {change.UnsupportedMembers[0]} parameter for given event source mapping type.");
        }

        if (change.Filters is { } filters)
        {
            // Checks the count, the length and the pattern language, with AWS's messages.
            FilterCriteria.Create(filters);
        }
    }

    private static string CheckSource(string? eventSourceArn, Scope scope)
    {
        var service = eventSourceArn?.Split(':') is [_, _, var s, ..] ? s : null;
        switch (service)
        {
            case "sqs":
                var parts = eventSourceArn!.Split(':');
                if (parts.Length != 6 || parts[3] != scope.Region || parts[4] != scope.Account || parts[5].Length == 0)
                {
                    throw LambdaErrors.InvalidParameter(
                        "Error occurred while ReceiveMessage. SQS Error Code: AWS.SimpleQueueService.NonExistentQueue. SQS Error Message: The specified queue does not exist.");
                }

                return eventSourceArn;
            case "kinesis" or "dynamodb" or "kafka" or "mq" or "rds":
                throw LambdaErrors.InvalidParameter(
                    $"Event sources of type {service} are not available on this Nimbus server; it polls SQS queues (its own, on the same endpoint).");
            default:
                throw LambdaErrors.InvalidParameter("Unrecognized event source.");
        }
    }

    private static void CheckBatching(int batchSize, int window, string source)
    {
        if (source.EndsWith(".fifo", StringComparison.Ordinal) && batchSize > 10)
        {
            throw LambdaErrors.InvalidParameter("Batch size for FIFO queues must be between 1 and 10.");
        }

        if (batchSize > 10 && window == 0)
        {
            throw LambdaErrors.InvalidParameter("Maximum batch window in seconds must be greater than 0 if maximum batch size is greater than 10");
        }
    }

    private async Task<(string Name, string? Qualifier)> NameOfAsync(Scope scope, string functionName, CancellationToken cancellationToken)
    {
        var (name, qualifier, _, _) = await ResolveFunctionAsync(scope, functionName, cancellationToken);
        return (name, qualifier);
    }

    /// <summary>What an SQS mapping needs of the function's role on its queue, in the order AWS asks.</summary>
    public static IReadOnlyList<string> QueueActions { get; } = ["ReceiveMessage", "DeleteMessage", "GetQueueAttributes"];

    /// <summary>The first SQS action (ReceiveMessage, DeleteMessage, GetQueueAttributes) the role may not perform on the queue, or null.</summary>
    public static async ValueTask<string?> MissingPermissionAsync(FunctionRoleAccess roles, Scope scope, FunctionVersion function, string queueArn, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(roles);
        foreach (var action in QueueActions)
        {
            if (!(await roles.EvaluateAsync(scope, function, "sqs:" + action, queueArn, cancellationToken)).IsAllowed)
            {
                return action;
            }
        }

        return null;
    }

    /// <summary>
    /// AWS refuses a queue whose visibility timeout is shorter than the function's timeout: a batch could reappear
    /// and run twice while the function still works on it.
    /// </summary>
    private async Task CheckVisibilityAsync(string queueArn, int functionTimeout, CancellationToken cancellationToken)
    {
        if (sources is not null && await sources.GetQueueAsync(queueArn, cancellationToken) is { } queue && queue.VisibilityTimeout.TotalSeconds < functionTimeout)
        {
            throw LambdaErrors.InvalidParameter(
                $"Queue visibility timeout: {(int)queue.VisibilityTimeout.TotalSeconds} seconds is less than Function timeout: {functionTimeout} seconds");
        }
    }

    /// <summary>The function a mapping names (its qualifier kept) and the timeout of the version that qualifier selects.</summary>
    private async Task<(string Name, string? Qualifier, int Timeout, FunctionVersion Version)> ResolveFunctionAsync(Scope scope, string functionName, CancellationToken cancellationToken)
    {
        try
        {
            var view = await functions.GetAsync(scope, functionName, null, cancellationToken);
            var reference = FunctionReference.Parse(functionName, null, scope, forWrite: false);
            return (view.Record.Name, reference.Qualifier, view.Version.Timeout, view.Version);
        }
        catch (LambdaException ex) when (ex.ErrorType == LambdaErrors.ResourceNotFoundType)
        {
            throw LambdaErrors.InvalidParameter("Function does not exist");
        }
    }

    private DateTimeOffset Now()
    {
        // Stored and compared as the update precondition: keep to milliseconds, as the store writes them.
        var now = time.GetUtcNow();
        return new DateTimeOffset(now.Ticks - (now.Ticks % TimeSpan.TicksPerMillisecond), TimeSpan.Zero);
    }

    private static LambdaException NotFound() => LambdaErrors.NotFound("The resource you requested does not exist.");
}
