// SPDX-License-Identifier: Apache-2.0
using Microsoft.Extensions.Time.Testing;
using Nimbus.Core.Arns;
using Nimbus.Core.Functions;

namespace Nimbus.Core.Tests.Functions;

public sealed class RecursiveLoopsTests
{
    private static readonly FakeTimeProvider Clock = new(new DateTimeOffset(2025, 3, 4, 5, 6, 7, TimeSpan.Zero));

    private static FunctionRecord Function(string recursiveLoop) => new()
    {
        Scope = new Scope("123456789012", "eu-central-1"),
        RecursiveLoop = recursiveLoop,
        Latest = new FunctionVersion
        {
            Name = "loop",
            Role = "arn:aws:iam::123456789012:role/lambda-role",
            Logging = new LoggingSettings { LogGroup = "/aws/lambda/loop" },
            CodeSha256 = "c2hh",
            RevisionId = "00000000-0000-0000-0000-000000000001",
        },
    };

    /// <summary>How many invocations of the chain run before one is stopped.</summary>
    private static int RunsBeforeStop(FunctionRecord function, int limit)
    {
        string? header = null;
        for (var runs = 0; runs < limit; runs++)
        {
            if (RecursiveLoops.Stops(function, header, Clock, out var next))
            {
                return runs;
            }

            header = next;
        }

        return limit;
    }

    [Fact]
    public void Stops_Terminate_SixteenRunAndTheSeventeenthStops() =>
        Assert.Equal(16, RunsBeforeStop(Function(RecursiveLoops.Terminate), 100));

    [Fact]
    public void Stops_Allow_NeverStops() =>
        Assert.Equal(100, RunsBeforeStop(Function(RecursiveLoops.Allow), 100));

    [Fact]
    public void Stops_ForeignHeaderWithoutLineage_StartsCountingAtOne()
    {
        var stopped = RecursiveLoops.Stops(Function(RecursiveLoops.Terminate), "Root=1-5759e988-bd862e3fe1be46a994272793;Sampled=1", Clock, out var next);

        Assert.False(stopped);
        Assert.StartsWith("Root=1-5759e988-bd862e3fe1be46a994272793;", next, StringComparison.Ordinal);
        Assert.EndsWith(":1", next, StringComparison.Ordinal);
    }
}
