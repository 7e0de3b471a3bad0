// SPDX-License-Identifier: Apache-2.0
using System.Diagnostics;
using System.Text.RegularExpressions;
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
    public void Decide_ManyOtherParts_KeepsThemInTheirOrderAfterTheDecidedOnes()
    {
        var header = TraceDecision.Decide($" Self=1-aa ; Root={Root};Lineage=x:1;;Parent=53995c3f42cd8ad8; Foo=bar ;Sampled=?", "Active", null, Clock);

        Assert.Equal($"Root={Root};Parent=53995c3f42cd8ad8;Sampled=1;Self=1-aa;Lineage=x:1;Foo=bar", header);
    }

    [Fact]
    public void Decide_NoParentAndNoSpan_MakesARandomParentEachTime()
    {
        var first = TraceDecision.Decide($"Root={Root}", "PassThrough", null, Clock);
        var second = TraceDecision.Decide($"Root={Root}", "PassThrough", null, Clock);

        Assert.Matches($"^Root={Root};Parent=[0-9a-f]{{16}};Sampled=0$", first);
        Assert.NotEqual(first, second);
    }

    /// <summary>
    /// A fuzz pass: headers of random parts (known and unknown, empty, spaced, repeated, malformed) give what the
    /// rules in the class summary say, computed here the plain way; the random parts (a new Root or Parent) are only
    /// checked for their shape.
    /// </summary>
    [Fact]
    public void Decide_FuzzedHeaders_FollowTheRules()
    {
        var random = new Random(4122026);
        string[] parts = [$"Root={Root}", "Root=", "Root=1-00000000-x", "Parent=53995c3f42cd8ad8", "Parent=", "Sampled=1", "Sampled=0", "Sampled=?", "Sampled=", "Lineage=a:1", "Self=x", "", " ", " Foo=bar ", "=", "Root", ";;", "Sampled=10"];
        for (var i = 0; i < 20_000; i++)
        {
            var incoming = random.Next(10) == 0 ? null : string.Join(';', Enumerable.Range(0, random.Next(0, 6)).Select(_ => parts[random.Next(parts.Length)]));
            var mode = random.Next(2) == 0 ? "Active" : "PassThrough";
            ActivitySpanId? span = random.Next(2) == 0 ? ActivitySpanId.CreateFromString("00f067aa0ba902b7") : null;

            var header = TraceDecision.Decide(incoming, mode, span, Clock);

            string? root = null, sampled = null, parent = null;
            var rest = new List<string>();
            foreach (var raw in (incoming ?? string.Empty).Split(';'))
            {
                var part = raw.Trim();
                if (part.StartsWith("Root=", StringComparison.Ordinal))
                {
                    root = part[5..];
                }
                else if (part.StartsWith("Sampled=", StringComparison.Ordinal))
                {
                    sampled = part[8..];
                }
                else if (part.StartsWith("Parent=", StringComparison.Ordinal))
                {
                    parent = part[7..];
                }
                else if (part.Length > 0)
                {
                    rest.Add(";" + part);
                }
            }

            var expectedSampled = sampled is "0" or "1" ? sampled : mode == "Active" ? "1" : "0";
            var expected = "^Root=" + (root is null ? "1-67c68a3f-[0-9a-f]{24}" : Regex.Escape(root))
                + ";Parent=" + (span is not null ? "00f067aa0ba902b7" : parent is null ? "[0-9a-f]{16}" : Regex.Escape(parent))
                + ";Sampled=" + expectedSampled + Regex.Escape(string.Concat(rest)) + @"\z";
            Assert.Matches(expected, header);
        }
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
