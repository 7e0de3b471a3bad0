// SPDX-License-Identifier: Apache-2.0
namespace Nimbus.Bench;

/// <summary>What a fixed number of clients completed in a measured window.</summary>
internal sealed record ThroughputSample(int Completed, double Seconds, LatencySample Latency)
{
    public double RequestsPerSecond => Completed / Seconds;
}
