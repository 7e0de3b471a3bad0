// SPDX-License-Identifier: Apache-2.0
using System.Text;

namespace Nimbus.Bench;

/// <summary>What every figure shares: where nimbus is, the report, and the one payload every request sends.</summary>
internal sealed class BenchSession(NimbusLocation location, Report report)
{
    public NimbusLocation Location => location;

    public Report Report => report;

    /// <summary>The body of every warm and throughput request, to Nimbus and to the echo server.</summary>
    public static byte[] Payload { get; } = Encoding.UTF8.GetBytes("""{"bench":"nimbus","value":42}""");

    public static Uri InvokePath(string functionName) => new($"/2015-03-31/functions/{functionName}/invocations", UriKind.Relative);

    public static Uri EchoPath { get; } = new("/", UriKind.Relative);
}
