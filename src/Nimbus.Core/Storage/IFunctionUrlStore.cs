// SPDX-License-Identifier: Apache-2.0
using Nimbus.Core.Arns;
using Nimbus.Core.FunctionUrls;

namespace Nimbus.Core.Storage;

/// <summary>Function URL configs, one per function qualifier, found by qualifier or by URL id. Gone with their function or alias.</summary>
public interface IFunctionUrlStore
{
    Task<FunctionUrlConfig?> GetFunctionUrlAsync(Scope scope, string functionName, string qualifier, CancellationToken cancellationToken);

    /// <summary>The config whose URL id is <paramref name="urlId"/>, with the scope it belongs to; null when none.</summary>
    Task<(Scope Scope, FunctionUrlConfig Config)?> FindByUrlIdAsync(string urlId, CancellationToken cancellationToken);

    /// <summary>The function's URL configs ordered by qualifier, after <paramref name="marker"/> (a qualifier), at most <paramref name="limit"/>.</summary>
    Task<IReadOnlyList<FunctionUrlConfig>> ListFunctionUrlsAsync(Scope scope, string functionName, string? marker, int limit, CancellationToken cancellationToken);

    /// <summary>Adds a config; false when the qualifier already has one, or the function (or alias) is gone.</summary>
    Task<bool> TryCreateFunctionUrlAsync(Scope scope, FunctionUrlConfig config, CancellationToken cancellationToken);

    /// <summary>Replaces an existing config; false when there is none.</summary>
    Task<bool> UpdateFunctionUrlAsync(Scope scope, FunctionUrlConfig config, CancellationToken cancellationToken);

    Task<bool> DeleteFunctionUrlAsync(Scope scope, string functionName, string qualifier, CancellationToken cancellationToken);
}
