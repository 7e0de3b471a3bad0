// SPDX-License-Identifier: Apache-2.0
using Nimbus.Core.Storage;

namespace Nimbus.Core.Layers;

/// <summary>
/// Frees the code of deleted layer versions once no function uses them. Code is content-addressed and shared: a
/// package goes only when no function version and no remaining layer version has the same bytes.
/// </summary>
internal static class LayerCode
{
    public static async Task ReleaseDeletedAsync(ILayerStore layers, IFunctionStore functions, ICodeStore code, CancellationToken cancellationToken)
    {
        foreach (var sha in await layers.PurgeDeletedLayerVersionsAsync(cancellationToken))
        {
            await DeleteIfUnusedAsync(sha, layers, functions, code, cancellationToken);
        }
    }

    public static async Task DeleteIfUnusedAsync(string sha, ILayerStore layers, IFunctionStore functions, ICodeStore code, CancellationToken cancellationToken)
    {
        if (!await functions.IsCodeReferencedAsync(sha, cancellationToken) && !await layers.IsLayerCodeReferencedAsync(sha, cancellationToken))
        {
            code.Delete(sha);
        }
    }
}
