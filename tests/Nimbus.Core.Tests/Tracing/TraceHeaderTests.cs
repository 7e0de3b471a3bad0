// SPDX-License-Identifier: Apache-2.0
using Microsoft.Extensions.Time.Testing;
using Nimbus.Core.Tracing;

namespace Nimbus.Core.Tests.Tracing;

public sealed class TraceHeaderTests
{
    private const string F = "arn:aws:lambda:us-east-1:000000000000:function:f";
    private const string G = "arn:aws:lambda:us-east-1:000000000000:function:g";

    private static readonly FakeTimeProvider Clock = new(new DateTimeOffset(2025, 3, 4, 5, 6, 7, TimeSpan.Zero));

    [Fact]
    public void Next_NewChain_RootCarriesTheClocksEpochSeconds()
    {
        var (header, _) = TraceHeader.Next(null, F, Clock);

        // 2025-03-04T05:06:07Z is 1741064767 s after the epoch: 67c68a3f.
        Assert.StartsWith("Root=1-67c68a3f-", header, StringComparison.Ordinal);
    }

    [Fact]
    public void Next_NewChain_StartsRootAndCountsOne()
    {
        var (header, count) = TraceHeader.Next(null, F, Clock);

        Assert.Equal(1, count);
        Assert.Matches("^Root=1-[0-9a-f]{8}-[0-9a-f]{24};Parent=[0-9a-f]{16};Lineage=[0-9a-f]{8}:1$", header);
    }

    [Fact]
    public void Next_ThroughTheChain_CountsPerFunctionAndKeepsRoot()
    {
        var (first, _) = TraceHeader.Next(null, F, Clock);
        var (second, countG) = TraceHeader.Next(first, G, Clock);
        var (third, countF) = TraceHeader.Next(second, F, Clock);

        Assert.Equal(1, countG);
        Assert.Equal(2, countF);
        Assert.Equal(first.Split(';')[0], third.Split(';')[0]);
    }

    [Fact]
    public void Next_SixteenHops_CountsSeventeenOnTheNext()
    {
        string? header = null;
        var count = 0;
        for (var i = 0; i < 17; i++)
        {
            (header, count) = TraceHeader.Next(header, F, Clock);
        }

        Assert.Equal(17, count);
    }

    [Fact]
    public void Next_PercentEncodedAndForeignParts_Understood()
    {
        var (header, _) = TraceHeader.Next(null, F, Clock);
        var encoded = header.Replace(",", "%2C", StringComparison.Ordinal) + ";Self=1-abc";

        var (next, count) = TraceHeader.Next(encoded, F, Clock);

        Assert.Equal(2, count);
        Assert.Contains(";Self=1-abc", next, StringComparison.Ordinal);
    }

    [Fact]
    public void Next_CallerDecidedSampling_KeepsTheDecision()
    {
        var (header, _) = TraceHeader.Next("Root=1-67c68a3f-0123456789abcdef01234567;Parent=53995c3f42cd8ad8;Sampled=1", F, Clock);

        Assert.StartsWith("Root=1-67c68a3f-0123456789abcdef01234567;Parent=", header, StringComparison.Ordinal);
        Assert.Contains(";Sampled=1;", header, StringComparison.Ordinal);
        Assert.DoesNotContain("53995c3f42cd8ad8", header, StringComparison.Ordinal);
    }
}
