// SPDX-License-Identifier: Apache-2.0
using Nimbus.Core.Arns;
using Nimbus.Core.Functions;

namespace Nimbus.Core.Storage;

/// <summary>Event invoke configs (retries, maximum event age, destinations), one per function qualifier.</summary>
public interface IEventInvokeConfigStore
{
    Task<EventInvokeConfig?> GetEventInvokeConfigAsync(Scope scope, string functionName, string qualifier, CancellationToken cancellationToken);

    /// <summary>The event invoke configs of one function, by qualifier.</summary>
    Task<IReadOnlyList<EventInvokeConfig>> ListEventInvokeConfigsAsync(Scope scope, string functionName, CancellationToken cancellationToken);

    /// <summary>Creates or replaces the config of one qualifier; false when the function is gone.</summary>
    Task<bool> PutEventInvokeConfigAsync(Scope scope, EventInvokeConfig config, CancellationToken cancellationToken);

    Task<bool> DeleteEventInvokeConfigAsync(Scope scope, string functionName, string qualifier, CancellationToken cancellationToken);
}
