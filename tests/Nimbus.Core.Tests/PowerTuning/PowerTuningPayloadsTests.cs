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
    [InlineData("""[{"payload": null, "weight": 2}]""")]
    [InlineData("""[{"payload": "", "weight": 2}]""")]
    [InlineData("""[{"payload": 1, "weight": 2}, {"payload": false, "weight": 2}]""")]
    [InlineData("""[]""")]
    [InlineData("\"text\"")]
    [InlineData("\"\\ud800\"")]
    public void Spread_NotAWeightedList_IsTheSameEventEveryTime(string payload)
    {
        var events = PowerTuningPayloads.Spread(payload, 4, out var error);

        Assert.Null(error);
        Assert.Equal([payload, payload, payload, payload], events);
    }

    [Fact]
    public void Spread_StringHoldingJson_IsThatJson()
    {
        Assert.Equal(["""{"a": 1}""", """{"a": 1}"""], PowerTuningPayloads.Spread("\"{\\\"a\\\": 1}\"", 2, out _));
    }

    [Theory]
    [InlineData("""[{"payload": "a", "weight": 1}, {"payload": "b", "weight": 3}]""", 8, "a,a,b,b,b,b,b,b")]
    [InlineData("""[{"payload": "a", "weight": 1}, {"payload": "b", "weight": 1}, {"payload": "c", "weight": 1}]""", 5, "a,b,c,c,c")]
    [InlineData("""[{"payload": "a", "weight": 0.5}, {"payload": "b", "weight": 0.5}]""", 3, "a,b,b")]
    [InlineData("""[{"payload": "a", "weight": 7}]""", 2, "a,a")]
    [InlineData("""[{"payload": "a", "weight": 1e306}, {"payload": "b", "weight": 1e306}]""", 1000, "a*500,b*500")]
    [InlineData("""[{"payload": "a", "weight": 1e308}, {"payload": "b", "weight": 1e308}, {"payload": "c", "weight": 1e308}]""", 3, "a,b,c")]
    [InlineData("""[{"payload": "a", "weight": 1e-320}, {"payload": "b", "weight": 1e-320}]""", 4, "a*2,b*2")]
    public void Spread_WeightedList_InProportionTheLastFillingUp(string payload, int invocations, string expected)
    {
        var events = PowerTuningPayloads.Spread(payload, invocations, out var error);

        Assert.Null(error);
        Assert.Equal(expected.Split(',').SelectMany(Expand), events);

        static IEnumerable<string> Expand(string part) => part.Split('*') is [var name, var times]
            ? Enumerable.Repeat($"\"{name}\"", int.Parse(times, System.Globalization.CultureInfo.InvariantCulture))
            : [$"\"{part}\""];
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
    [InlineData("""[{"payload": 1, "weight": 1}, {"payload": 2, "weight": -1}]""", 10, "weight of weighted event 2 is too small")]
    [InlineData("""[{"payload": 1, "weight": "2"}]""", 2, "weight of weighted event 1 is not a number")]
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
            var items = Enumerable.Range(1, count).Select(n => $$"""{"payload": {{n}}, "weight": {{Weight(random)}}}""");
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

        static string Weight(Random random) => random.Next(4) switch
        {
            0 => "1e308",
            1 => "1e-300",
            _ => random.Next(1, 50).ToString(System.Globalization.CultureInfo.InvariantCulture),
        };
    }
}
