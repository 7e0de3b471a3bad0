// SPDX-License-Identifier: Apache-2.0
using System.Text.Json;
using Nimbus.Events.Mappings;

namespace Nimbus.Events.Tests.Mappings;

public sealed class SqsEventTests
{
    private static SourceMessage Message(string id, string body) => new()
    {
        MessageId = id,
        ReceiptHandle = "rh-" + id,
        Body = body,
        Md5OfBody = "md5",
        Attributes = [new("ApproximateReceiveCount", "1"), new("SentTimestamp", "1700000000000")],
        MessageAttributes = [new SourceAttributeValue("kind", "String", "x", null)],
    };

    [Fact]
    public void Batch_Records_AreAwsSqsEvent()
    {
        var records = new[]
        {
            SqsEvent.Record(Message("a", """{"n":1}"""), "arn:aws:sqs:us-east-1:000000000000:q", "us-east-1"),
            SqsEvent.Record(Message("b", "plain \"quoted\" text"), "arn:aws:sqs:us-east-1:000000000000:q", "us-east-1"),
        };

        using var document = JsonDocument.Parse(SqsEvent.Batch(records));
        var items = document.RootElement.GetProperty("Records");

        Assert.Equal(2, items.GetArrayLength());
        var first = items[0];
        Assert.Equal("a", first.GetProperty("messageId").GetString());
        Assert.Equal("""{"n":1}""", first.GetProperty("body").GetString());
        Assert.Equal("1", first.GetProperty("attributes").GetProperty("ApproximateReceiveCount").GetString());
        Assert.Equal("x", first.GetProperty("messageAttributes").GetProperty("kind").GetProperty("stringValue").GetString());
        Assert.Equal("String", first.GetProperty("messageAttributes").GetProperty("kind").GetProperty("dataType").GetString());
        Assert.Equal("aws:sqs", first.GetProperty("eventSource").GetString());
        Assert.Equal("arn:aws:sqs:us-east-1:000000000000:q", first.GetProperty("eventSourceARN").GetString());
        Assert.Equal("us-east-1", first.GetProperty("awsRegion").GetString());
        Assert.Equal("plain \"quoted\" text", items[1].GetProperty("body").GetString());
    }

    [Fact]
    public void Batch_Empty_IsEmptyRecords()
    {
        using var document = JsonDocument.Parse(SqsEvent.Batch([]));

        Assert.Equal(0, document.RootElement.GetProperty("Records").GetArrayLength());
    }
}
