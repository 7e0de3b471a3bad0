// SPDX-License-Identifier: Apache-2.0
using Nimbus.Core.Arns;
using Nimbus.Core.Errors;
using Nimbus.Core.Functions;
using Nimbus.Core.Mappings;
using Nimbus.Core.Validation;

namespace Nimbus.Events.Mappings;

public sealed partial class EventSourceMappingService
{
    private const string ArnMarker = ":event-source-mapping:";

    /// <summary>True when a tagging request names an event source mapping rather than a function.</summary>
    public static bool IsMappingArn(string resourceArn) => resourceArn.Contains(ArnMarker, StringComparison.Ordinal);

    public async Task<IReadOnlyDictionary<string, string>> ListTagsAsync(Scope scope, string resourceArn, CancellationToken cancellationToken) =>
        (await FindByArnAsync(scope, resourceArn, cancellationToken)).Tags;

    /// <summary>
    /// Changes a mapping's tags (TagResource / UntagResource, already validated by the caller). Tags do not move
    /// LastModified, so the compare-and-swap cannot tell this write from the worker's settle write (which does not move
    /// it either): both are serialized by <see cref="_unversionedWrites"/> and work on the mapping as stored.
    /// </summary>
    public async Task ChangeTagsAsync(Scope scope, string resourceArn, Action<Dictionary<string, string>> change, CancellationToken cancellationToken)
    {
        await _unversionedWrites.WaitAsync(cancellationToken);
        try
        {
            var current = await FindByArnAsync(scope, resourceArn, cancellationToken);
            var tags = new Dictionary<string, string>(current.Tags);
            change(tags);
            if (tags.Count > LambdaQuotas.MaxTags)
            {
                throw LambdaErrors.InvalidParameter("Number of tags exceeds resource tag limit.");
            }

            if (!await store.TryUpdateEventSourceMappingAsync(current with { Tags = tags }, current.LastModified, cancellationToken))
            {
                throw LambdaErrors.Conflict($"The event source mapping {current.Uuid} was changed by another request. Get it again and retry.");
            }
        }
        finally
        {
            _unversionedWrites.Release();
        }
    }

    /// <summary>
    /// Records what the worker settled (the state a change reached, the last processing result) on the mapping as it is
    /// stored now, never on an older copy: a tag change made meanwhile is kept. Null when a user's change (which moves
    /// LastModified) came in since <paramref name="seen"/>; the worker's next pass settles that one.
    /// </summary>
    internal async Task<EventSourceMapping?> SettleAsync(EventSourceMapping seen, string state, string? result, CancellationToken cancellationToken)
    {
        await _unversionedWrites.WaitAsync(cancellationToken);
        try
        {
            var current = await store.GetEventSourceMappingAsync(seen.Uuid, cancellationToken);
            if (current is null || current.LastModified != seen.LastModified)
            {
                return null;
            }

            var next = current with { State = state, LastProcessingResult = result };
            return await store.TryUpdateEventSourceMappingAsync(next, current.LastModified, cancellationToken) ? next : null;
        }
        finally
        {
            _unversionedWrites.Release();
        }
    }

    private async Task<EventSourceMapping> FindByArnAsync(Scope scope, string resourceArn, CancellationToken cancellationToken)
    {
        if (!Patterns.TaggableResource().IsMatch(resourceArn))
        {
            var errors = new ValidationErrors();
            errors.Add(resourceArn, "resource", $"Member must satisfy regular expression pattern: {Patterns.TaggableResourceText}");
            errors.ThrowIfAny();
        }

        var uuid = resourceArn[(resourceArn.IndexOf(ArnMarker, StringComparison.Ordinal) + ArnMarker.Length)..];
        var mapping = await store.GetEventSourceMappingAsync(uuid, cancellationToken);
        return mapping is not null && mapping.Scope == scope && mapping.Arn == resourceArn
            ? mapping
            : throw LambdaErrors.NotFound($"Event source mapping not found: {resourceArn}");
    }
}
