// SPDX-License-Identifier: Apache-2.0
using System.Net;

namespace Nimbus.Core.Access;

/// <summary>Where a request came from, for the global condition keys: aws:SourceIp, aws:SecureTransport and
/// aws:RequestedRegion (the region of the signature's scope, or the server's).</summary>
public readonly record struct RequestOrigin(IPAddress SourceIp, bool SecureTransport, string Region)
{
    /// <summary>A request Nimbus makes itself (a mapping's poller, a destination's delivery): from loopback.</summary>
    public static RequestOrigin Internal(string region) => new(IPAddress.Loopback, true, region);
}
