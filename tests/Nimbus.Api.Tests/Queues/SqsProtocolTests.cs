// SPDX-License-Identifier: Apache-2.0
using System.Buffers;
using System.Text;
using System.Text.Json;
using Nimbus.Api.Queues;
using Nimbus.Core.Queues;

namespace Nimbus.Api.Tests.Queues;

/// <summary>SQS's two wire protocols: the query protocol's flattened parameters and XML, and JSON.</summary>
public sealed class SqsProtocolTests
{
    [Fact]
    public void QueryInput_FlattenedListsMapsAndEntries_AreRead()
    {
        var input = new QuerySqsInput(new Dictionary<string, string>
        {
            ["QueueUrl"] = "http://h/000000000000/q",
            ["MaxNumberOfMessages"] = "7",
            ["AttributeName.1"] = "All",
            ["AttributeName.2"] = "SentTimestamp",
            ["Attribute.1.Name"] = "DelaySeconds",
            ["Attribute.1.Value"] = "5",
            ["Tag.1.Key"] = "team",
            ["Tag.1.Value"] = "core",
            ["SendMessageBatchRequestEntry.1.Id"] = "a",
            ["SendMessageBatchRequestEntry.1.MessageBody"] = "one",
            ["SendMessageBatchRequestEntry.1.MessageAttribute.1.Name"] = "n",
            ["SendMessageBatchRequestEntry.1.MessageAttribute.1.Value.DataType"] = "Number",
            ["SendMessageBatchRequestEntry.1.MessageAttribute.1.Value.StringValue"] = "3",
            ["SendMessageBatchRequestEntry.2.Id"] = "b",
            ["SendMessageBatchRequestEntry.2.MessageAttribute.1.Name"] = "bin",
            ["SendMessageBatchRequestEntry.2.MessageAttribute.1.Value.DataType"] = "Binary",
            ["SendMessageBatchRequestEntry.2.MessageAttribute.1.Value.BinaryValue"] = "AQI=",
        });

        var entries = input.Entries("Entries", "SendMessageBatchRequestEntry");

        Assert.Equal("http://h/000000000000/q", input.String("QueueUrl"));
        Assert.Equal(7, input.Int("MaxNumberOfMessages"));
        Assert.Equal(["All", "SentTimestamp"], input.StringList("AttributeNames", "AttributeName"));
        Assert.Equal(new Dictionary<string, string> { ["DelaySeconds"] = "5" }, input.StringMap("Attributes", "Attribute", "Name", "Value"));
        Assert.Equal(new Dictionary<string, string> { ["team"] = "core" }, input.StringMap("tags", "Tag", "Key", "Value"));
        Assert.Equal(2, entries.Count);
        Assert.Equal("one", entries[0].String("MessageBody"));
        Assert.Equal(new MessageAttributeValue { DataType = "Number", StringValue = "3" }, entries[0].MessageAttributes("MessageAttributes", "MessageAttribute")!["n"]);
        Assert.Equal([1, 2], entries[1].MessageAttributes("MessageAttributes", "MessageAttribute")!["bin"].BinaryValue);
        Assert.Null(input.StringList("MessageAttributeNames", "MessageAttributeName"));
    }

    [Fact]
    public void JsonInput_MembersAndBase64Binary_AreRead()
    {
        using var document = JsonDocument.Parse("""
            {"QueueUrl":"u","MaxNumberOfMessages":3,"AttributeNames":["All"],"Attributes":{"VisibilityTimeout":"9"},
             "MessageAttributes":{"b":{"DataType":"Binary","BinaryValue":"AQI="}},"Entries":[{"Id":"x"}]}
            """);
        var input = new JsonSqsInput(document.RootElement);

        Assert.Equal("u", input.String("QueueUrl"));
        Assert.Equal(3, input.Int("MaxNumberOfMessages"));
        Assert.Equal(["All"], input.StringList("AttributeNames", "AttributeName"));
        Assert.Equal("9", input.StringMap("Attributes", "Attribute", "Name", "Value")!["VisibilityTimeout"]);
        Assert.Equal([1, 2], input.MessageAttributes("MessageAttributes", "MessageAttribute")!["b"].BinaryValue);
        Assert.Equal("x", Assert.Single(input.Entries("Entries", "SendMessageBatchRequestEntry")).String("Id"));
        Assert.Null(input.Int("WaitTimeSeconds"));
    }

    [Fact]
    public void Writers_SameCalls_GiveJsonMembersOrFlattenedXml()
    {
        var buffer = new ArrayBufferWriter<byte>();
        var xml = new StringBuilder();
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            json.WriteStartObject();
            Write(new JsonSqsWriter(json));
            json.WriteEndObject();
        }

        Write(new XmlSqsWriter(xml));

        Assert.Equal(
            """{"Messages":[{"Body":"a<b>&","Attributes":{"SenderId":"1"},"MessageAttributes":{"k":{"StringValue":"v","DataType":"String"}}}],"QueueUrls":["u1","u2"]}""",
            Encoding.UTF8.GetString(buffer.WrittenSpan));
        Assert.Equal(
            "<Message><Body>a&lt;b&gt;&amp;</Body><Attribute><Name>SenderId</Name><Value>1</Value></Attribute>"
            + "<MessageAttribute><Name>k</Name><Value><StringValue>v</StringValue><DataType>String</DataType></Value></MessageAttribute></Message>"
            + "<QueueUrl>u1</QueueUrl><QueueUrl>u2</QueueUrl>",
            xml.ToString());

        static void Write(SqsWriter output)
        {
            output.StartList("Messages", "Message");
            output.StartItem();
            output.String("Body", "a<b>&");
            output.StringMap("Attributes", "Attribute", "Name", "Value", new Dictionary<string, string> { ["SenderId"] = "1" });
            output.MessageAttributes("MessageAttributes", "MessageAttribute", new Dictionary<string, MessageAttributeValue> { ["k"] = new() { DataType = "String", StringValue = "v" } });
            output.EndItem();
            output.EndList();
            output.StringList("QueueUrls", "QueueUrl", ["u1", "u2"]);
        }
    }
}
