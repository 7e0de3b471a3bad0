// SPDX-License-Identifier: Apache-2.0
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace Nimbus.Core.Access.Policies;

/// <summary>IpAddress: IPv4 or IPv6 CIDR ranges (RFC 4632); an address without a prefix length is that one address.
/// An IPv4 request address also matches when written IPv4-mapped in IPv6.</summary>
internal sealed class IpConditionOperator(IPNetwork?[] networks) : ConditionOperator
{
    public override PatternMatch MatchesAny(in ContextScalar value, RequestContext request)
    {
        if (value.Ip is not { } address)
        {
            return PatternMatch.NoMatch;
        }

        foreach (var network in networks)
        {
            if (network is { } range && (range.Contains(address) || (address.IsIPv4MappedToIPv6 && range.Contains(address.MapToIPv4()))))
            {
                return PatternMatch.Match;
            }
        }

        return PatternMatch.NoMatch;
    }

    /// <summary>A CIDR range; host bits set beyond the prefix are cleared (203.0.113.5/24 is 203.0.113.0/24).</summary>
    public static IPNetwork? ParseRange(string text)
    {
        var span = text.AsSpan().Trim();
        var slash = span.IndexOf('/');
        var addressText = slash < 0 ? span : span[..slash];
        if (!ContextScalar.LooksLikeAddress(addressText) || !IPAddress.TryParse(addressText, out var address) || addressText.Contains('%'))
        {
            return null;
        }

        var bits = address.AddressFamily == AddressFamily.InterNetwork ? 32 : 128;
        var prefix = bits;
        if (slash >= 0 && (!int.TryParse(span[(slash + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out prefix) || prefix > bits))
        {
            return null;
        }

        var bytes = address.GetAddressBytes();
        for (var i = 0; i < bytes.Length; i++)
        {
            var keep = Math.Clamp(prefix - (i * 8), 0, 8);
            bytes[i] &= (byte)(0xFF << (8 - keep));
        }

        return new IPNetwork(new IPAddress(bytes), prefix);
    }
}
