// SPDX-License-Identifier: Apache-2.0
using Nimbus.Core.PowerTuning;

namespace Nimbus.Core.Tests.PowerTuning;

public sealed class PowerTuningPayloadsTests
{
    [Theory]
    [InlineData("""{"a": 1}""")]
    [InlineData("""[1, 2, 3]""")]
    [InlineData("""[{"payload": 1}]""")]
    [InlineData("""[{"payload": 1, "weight": 0}]""")]
    [InlineData("""[{"payload": 1, "weight": "2"}]""")]
    [InlineData("""[]""")]
    [InlineData("\"text\"")]
    public void Spread_NotAWeightedList_IsTheSameEventEveryTime(string payload)
    {
        var events = PowerTuningPayloads.Spread(payload, 4, out var error);

        Assert.Null(error);
        Assert.Equal([payload, payload, payload, payload], events);
    }

    [Theory]
    [InlineData("""[{"payload": "a", "weight": 1}, {"payload": "b", "weight": 3}]""", 8, "a,a,b,b,b,b,b,b")]
    [InlineData("""[{"payload": "a", "weight": 1}, {"payload": "b", "weight": 1}, {"payload": "c", "weight": 1}]""", 5, "a,b,c,c,c")]
    [InlineData("""[{"payload": "a", "weight": 0.5}, {"payload": "b", "weight": 0.5}]""", 3, "a,b,b")]
    [InlineData("""[{"payload": "a", "weight": 7}]""", 2, "a,a")]
    public void Spread_WeightedList_InProportionTheLastFillingUp(string payload, int invocations, string expected)
    {
        var events = PowerTuningPayloads.Spread(payload, invocations, out var error);

        Assert.Null(error);
        Assert.Equal(expected.Split(',').Select(name => $"\"{name}\""), events);
    }

    [Fact]
    public void Spread_WeightedEvents_AreSentAsJson()
    {
        var events = PowerTuningPayloads.Spread("""[{"payload": {"k": [1, 2]}, "weight": 1}, {"payload": "{\"from\": \"a string\"}", "weight": 1}]""", 2, out var error);

        Assert.Null(error);
        Assert.Equal(["""{"k": [1, 2]}""", """{"from": "a string"}"""], events);
    }

    [Theory]
    [InlineData("""[{"payload": 1, "weight": 1}, {"payload": 2, "weight": 1}, {"payload": 3, "weight": 1}]""", 2, "lists 3 weighted events and --num is 2")]
    [InlineData("""[{"payload": 1, "weight": 1}, {"payload": 2, "weight": 100}]""", 10, "weight of weighted event 1 is too small for --num 10")]
    [InlineData("""[{"payload": 1, "weight": 1e308}, {"payload": 2, "weight": 1e308}]""", 2, "too large")]
    public void Spread_WeightsThatCannotBeSpread_SayWhy(string payload, int invocations, string expected)
    {
        var events = PowerTuningPayloads.Spread(payload, invocations, out var error);

        Assert.Empty(events);
        Assert.Contains(expected, error, StringComparison.Ordinal);
    }

    [Fact]
    public void Spread_RandomWeightedLists_AlwaysGiveEveryInvocationAnEventOrAnError()
    {
        var random = new Random(2812);
        for (var i = 0; i < 2000; i++)
        {
            var count = random.Next(1, 6);
            var items = Enumerable.Range(0, count).Select(n => $$"""{"payload": {{n}}, "weight": {{random.Next(1, 50)}}}""");
            var invocations = random.Next(1, 60);
            var events = PowerTuningPayloads.Spread($"[{string.Join(',', items)}]", invocations, out var error);
            if (error is null)
            {
                Assert.Equal(invocations, events.Count);
                Assert.Equal(count, events.Distinct().Count());
            }
            else
            {
                Assert.Empty(events);
            }
        }
    }
}
