// SPDX-License-Identifier: Apache-2.0
namespace Nimbus.Core.Functions;

/// <summary>Tags with a meaning to Nimbus: settings Lambda has no field for, set with any AWS tool.</summary>
public static class FunctionTags
{
    /// <summary><c>false</c> (or <c>off</c>, <c>none</c>): the function's sandboxes get no outbound network, loopback only.</summary>
    public const string OutboundNetwork = "nimbus:outbound-network";

    /// <summary>The function's outbound-network choice, or null when its tags leave it to the server.</summary>
    public static bool? OutboundNetworkOf(IReadOnlyDictionary<string, string> tags) =>
        tags.TryGetValue(OutboundNetwork, out var value)
            ? value.ToUpperInvariant() is not ("FALSE" or "OFF" or "NONE" or "0")
            : null;
}
