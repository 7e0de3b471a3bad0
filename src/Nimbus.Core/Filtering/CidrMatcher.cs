// SPDX-License-Identifier: Apache-2.0
using System.Net;

namespace Nimbus.Core.Filtering;

/// <summary><c>{"cidr": "10.0.0.0/24"}</c>: a string holding an IPv4 or IPv6 address inside the network.</summary>
internal sealed class CidrMatcher(IPNetwork network) : ValueMatcher
{
    public override bool NeedsText => true;

    public override bool Matches(in EventScalar value) =>
        value.IsString && IPAddress.TryParse(value.Text, out var address) && network.Contains(address);
}
