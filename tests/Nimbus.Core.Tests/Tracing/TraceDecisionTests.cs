// SPDX-License-Identifier: Apache-2.0
using System.Diagnostics;
using Microsoft.Extensions.Time.Testing;
using Nimbus.Core.Tracing;

namespace Nimbus.Core.Tests.Tracing;

public sealed class TraceDecisionTests
{
    private const string Root = "1-67c68a3f-0123456789abcdef01234567";

    private static readonly FakeTimeProvider Clock = new(new DateTimeOffset(2025, 3, 4, 5, 6, 7, TimeSpan.Zero));

    [Fact]
    public void Decide_ActiveWithoutHeader_MakesASampledRootOfTheClock()
    {
        var header = TraceDecision.Decide(null, "Active", null, Clock);

        Assert.Matches("^Root=1-67c68a3f-[0-9a-f]{24};Parent=[0-9a-f]{16};Sampled=1$", header);
    }

    [Fact]
    public void Decide_PassThroughWithoutHeader_MakesAnUnsampledRoot()
    {
        Assert.Matches("^Root=1-67c68a3f-[0-9a-f]{24};Parent=[0-9a-f]{16};Sampled=0$", TraceDecision.Decide(null, "PassThrough", null, Clock));
    }

    [Theory]
    [InlineData("PassThrough", "Sampled=1", "1")]
    [InlineData("PassThrough", "Sampled=0", "0")]
    [InlineData("PassThrough", "Sampled=?", "0")]
    [InlineData("PassThrough", "", "0")]
    [InlineData("Active", "Sampled=0", "0")]
    [InlineData("Active", "Sampled=?", "1")]
    [InlineData("Active", "", "1")]
    public void Decide_CallersHeader_KeepsRootAndHonoursADecision(string mode, string sampled, string expected)
    {
        var incoming = $"Root={Root};Parent=53995c3f42cd8ad8" + (sampled.Length > 0 ? ";" + sampled : "") + ";Lineage=aabbccdd:1";

        var header = TraceDecision.Decide(incoming, mode, null, Clock);

        Assert.Equal($"Root={Root};Parent=53995c3f42cd8ad8;Sampled={expected};Lineage=aabbccdd:1", header);
    }

    [Fact]
    public void Decide_WithSpan_MakesItTheParent()
    {
        var span = ActivitySpanId.CreateFromString("00f067aa0ba902b7");

        Assert.Equal($"Root={Root};Parent=00f067aa0ba902b7;Sampled=1", TraceDecision.Decide($"Root={Root};Parent=53995c3f42cd8ad8;Sampled=1", "PassThrough", span, Clock));
    }

    [Fact]
    public void Traceparent_BothWays_MapTheTraceIdToTheRoot()
    {
        var header = TraceDecision.FromTraceparent("00-67c68a3f0123456789abcdef01234567-00f067aa0ba902b7-01");

        Assert.Equal($"Root={Root};Parent=00f067aa0ba902b7;Sampled=1", header);
        Assert.Equal("00-67c68a3f0123456789abcdef01234567-00f067aa0ba902b7-01", TraceDecision.ToTraceparent(header));
        Assert.True(TraceDecision.TryGetContext(header, out var context));
        Assert.Equal("67c68a3f0123456789abcdef01234567", context.TraceId.ToHexString());
        Assert.Equal(ActivityTraceFlags.Recorded, context.TraceFlags);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("01-xyz")]
    [InlineData("00-67c68a3f0123456789abcdef0123456z-00f067aa0ba902b7-01")]
    public void FromTraceparent_Invalid_IsNull(string? traceparent) => Assert.Null(TraceDecision.FromTraceparent(traceparent));

    [Fact]
    public void TryGetContext_NoValidRoot_IsFalse()
    {
        Assert.False(TraceDecision.TryGetContext("Root=abc;Sampled=1", out _));
        Assert.False(TraceDecision.TryGetContext(null, out _));
    }
}
