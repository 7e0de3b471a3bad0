// SPDX-License-Identifier: Apache-2.0
using Nimbus.Core.Arns;
using Nimbus.Core.Layers;

namespace Nimbus.Core.Functions;

public sealed partial class FunctionService
{
    /// <summary>
    /// Resolves the Layers of a create or configuration update: each must be a live version in the function's
    /// region, the caller's own or shared with its account, and the function's code and layers together must stay
    /// within 250 MB unzipped. Order is kept: a later layer's files override an earlier one's in /opt.
    /// </summary>
    private async Task<FunctionVersion> WithLayersAsync(Scope scope, FunctionVersion version, IReadOnlyList<string>? requested, Func<long> functionUnzippedSize, CancellationToken cancellationToken)
    {
        if (requested is null)
        {
            return version;
        }

        var references = new LayerReference[requested.Count];
        for (var i = 0; i < requested.Count; i++)
        {
            // FunctionValidator has checked the ARN's form already.
            var (owner, name, number) = LayerArns.TryParseVersion(requested[i]) ?? throw LayerErrors.FunctionLayerMissing(requested[i]);
            if (owner.Region != scope.Region)
            {
                throw LayerErrors.OtherRegion(scope.Region);
            }

            var layer = await _layers.GetLayerVersionAsync(owner, name, number, cancellationToken);
            if (layer is not null && owner.Account != scope.Account && !LayerPolicyDocument.Allows(layer, scope.Account))
            {
                throw LayerErrors.AccessDenied(scope.Account, requested[i]);
            }

            if (layer is null)
            {
                // A version deleted since this function started using it stays usable by the function, as on AWS.
                references[i] = version.Layers.FirstOrDefault(l => l.Arn == requested[i] && l.CodeSha256.Length > 0)
                    ?? throw LayerErrors.FunctionLayerMissing(requested[i]);
                continue;
            }

            references[i] = new LayerReference(layer.LayerVersionArn, layer.CodeSize, layer.CodeSha256, layer.UnzippedCodeSize);
        }

        if (references.Length > 0)
        {
            CheckCombinedSize(references, functionUnzippedSize());
        }

        return version with { Layers = references };
    }

    private static void CheckCombinedSize(IReadOnlyList<LayerReference> layers, long functionUnzippedSize)
    {
        var total = functionUnzippedSize;
        foreach (var layer in layers)
        {
            total += layer.UnzippedCodeSize;
        }

        if (total > LambdaQuotas.MaxUnzippedCode)
        {
            throw LayerErrors.CombinedTooLarge(total);
        }
    }

    /// <summary>After a function stopped using layer versions: frees deleted ones no other function uses.</summary>
    private async Task ReleaseLayersAsync(IReadOnlyList<LayerReference> previous, CancellationToken cancellationToken)
    {
        if (previous.Count > 0)
        {
            await LayerCode.ReleaseDeletedAsync(_layers, _store, _code, cancellationToken);
        }
    }
}
