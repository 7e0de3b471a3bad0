// SPDX-License-Identifier: Apache-2.0
using Nimbus.Core.Arns;
using Nimbus.Core.Mappings;

namespace Nimbus.Core.Storage;

/// <summary>Event source mappings, by UUID; they outlive their function, as on AWS.</summary>
public interface IEventSourceMappingStore
{
    Task<EventSourceMapping?> GetEventSourceMappingAsync(string uuid, CancellationToken cancellationToken);

    /// <summary>Mappings of a scope (or of every scope when null), optionally of one source or function, by UUID.</summary>
    Task<IReadOnlyList<EventSourceMapping>> ListEventSourceMappingsAsync(Scope? scope, string? eventSourceArn, string? functionName, CancellationToken cancellationToken);

    /// <summary>Inserts a mapping; false when one for the same source and function exists (AWS allows one).</summary>
    Task<bool> TryCreateEventSourceMappingAsync(EventSourceMapping mapping, CancellationToken cancellationToken);

    /// <summary>Replaces a mapping if it was last modified at <paramref name="expectedLastModified"/>.</summary>
    Task<bool> TryUpdateEventSourceMappingAsync(EventSourceMapping mapping, DateTimeOffset expectedLastModified, CancellationToken cancellationToken);

    Task<bool> DeleteEventSourceMappingAsync(string uuid, CancellationToken cancellationToken);
}
