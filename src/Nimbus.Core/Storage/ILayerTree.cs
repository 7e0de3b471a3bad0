// SPDX-License-Identifier: Apache-2.0
namespace Nimbus.Core.Storage;

/// <summary>
/// A function's <c>/opt</c>: its layers' unpacked packages merged in order, a later layer's file replacing an
/// earlier one's; each ordered list of packages is merged once and shared (beside <see cref="ICodeStore"/>).
/// </summary>
public interface ILayerTree
{
    /// <summary>
    /// The directory to use as /opt for layers with these packages, in order: null without layers, the unpacked
    /// directory itself for one layer, a merged tree for several.
    /// </summary>
    Task<string?> EnsureAsync(IReadOnlyList<string> codeSha256s, CancellationToken cancellationToken);
}
