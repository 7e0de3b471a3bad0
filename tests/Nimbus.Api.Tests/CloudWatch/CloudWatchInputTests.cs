// SPDX-License-Identifier: Apache-2.0
using System.Formats.Cbor;
using Nimbus.Api.CloudWatch;

namespace Nimbus.Api.Tests.CloudWatch;

public sealed class CloudWatchInputTests
{
    [Fact]
    public void QueryForm_NestsMembersAndLists()
    {
        var input = QueryInputReader.Read(new Dictionary<string, string>
        {
            ["Action"] = "PutMetricData",
            ["Version"] = "2010-08-01",
            ["Namespace"] = "Shop",
            ["MetricData.member.2.MetricName"] = "B",
            ["MetricData.member.1.MetricName"] = "A",
            ["MetricData.member.1.Dimensions.member.1.Name"] = "Api",
            ["MetricData.member.1.Dimensions.member.1.Value"] = "orders",
            ["MetricData.member.1.Values.member.1"] = "1.5",
            ["MetricData.member.1.Values.member.2"] = "3",
            ["MetricData.member.1.Timestamp"] = "2026-12-03T10:00:00Z",
            ["MetricData.member.2.StatisticValues.Sum"] = "7",
        });

        Assert.Equal("Shop", input.String("Namespace"));
        var data = input.Structures("MetricData");
        Assert.Equal(2, data.Count);
        Assert.Equal("A", data[0].String("MetricName"));
        Assert.Equal("MetricData.member.1", data[0].Path);
        Assert.Equal([1.5, 3], data[0].Doubles("Values"));
        Assert.Equal(new DateTimeOffset(2026, 12, 3, 10, 0, 0, TimeSpan.Zero), data[0].Timestamp("Timestamp"));
        var dimension = Assert.Single(data[0].Structures("Dimensions"));
        Assert.Equal(("Api", "orders"), (dimension.String("Name"), dimension.String("Value")));
        Assert.Equal(7, data[1].Structure("StatisticValues")!.Double("Sum"));
        Assert.False(input.Has("Action"));
    }

    [Fact]
    public void Cbor_TimestampsAndNumbersReadAsTheirMembers()
    {
        var cbor = new CborWriter();
        cbor.WriteStartMap(null);
        cbor.WriteTextString("Namespace");
        cbor.WriteTextString("AWS/Lambda");
        cbor.WriteTextString("Period");
        cbor.WriteInt32(300);
        cbor.WriteTextString("StartTime");
        cbor.WriteTag(CborTag.UnixTimeSeconds);
        cbor.WriteDouble(1_796_292_000.5);
        cbor.WriteTextString("Statistics");
        cbor.WriteStartArray(2);
        cbor.WriteTextString("Sum");
        cbor.WriteTextString("Maximum");
        cbor.WriteEndArray();
        cbor.WriteEndMap();

        var input = CborInputReader.Read(cbor.Encode());

        Assert.Equal("AWS/Lambda", input.String("Namespace"));
        Assert.Equal(300, input.Int("Period"));
        Assert.Equal(DateTimeOffset.FromUnixTimeMilliseconds(1_796_292_000_500), input.Timestamp("StartTime"));
        Assert.Equal(["Sum", "Maximum"], input.Strings("Statistics"));
    }

    [Fact]
    public void WrongTypes_AreInvalidParameterValueNamingThePath()
    {
        var input = JsonInputReader.Read("""{"MetricData":[{"MetricName":5}]}"""u8.ToArray());

        var error = Assert.Throws<CloudWatchException>(() => input.Structures("MetricData")[0].String("MetricName"));

        Assert.Equal("InvalidParameterValue", error.Code);
        Assert.Contains("MetricData.member.1.MetricName", error.Message, StringComparison.Ordinal);
        Assert.Equal("SerializationException", Assert.Throws<CloudWatchException>(() => CborInputReader.Read(new byte[] { 0xff, 0x00 })).Code);
    }
}
