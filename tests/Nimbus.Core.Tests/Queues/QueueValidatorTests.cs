// SPDX-License-Identifier: Apache-2.0
using Nimbus.Core.Errors;
using Nimbus.Core.Queues;

namespace Nimbus.Core.Tests.Queues;

public sealed class QueueValidatorTests
{
    [Theory]
    [InlineData("orders", false)]
    [InlineData("a-b_C9", false)]
    [InlineData("orders.fifo", true)]
    public void ValidateName_Valid_Passes(string name, bool fifo) => QueueValidator.ValidateName(name, fifo);

    [Theory]
    [InlineData("has space", false, "Can only include alphanumeric characters, hyphens, or underscores. 1 to 80 in length")]
    [InlineData("orders.fifo", false, "Can only include alphanumeric characters, hyphens, or underscores. 1 to 80 in length")]
    [InlineData("orders", true, "The name of a FIFO queue can only include alphanumeric characters, hyphens, or underscores, must end with .fifo suffix and be 1 to 80 in length")]
    public void ValidateName_Invalid_ThrowsInvalidParameterValue(string name, bool fifo, string message)
    {
        var error = Assert.Throws<QueueException>(() => QueueValidator.ValidateName(name, fifo));

        Assert.Equal("InvalidParameterValue", error.QueryCode);
        Assert.Equal("InvalidParameterValueException", error.ShapeName);
        Assert.Equal(message, error.Message);
    }

    [Fact]
    public void ValidateName_EightyCharactersWithFifoSuffix_IsTheLimit()
    {
        QueueValidator.ValidateName(new string('a', 75) + ".fifo", fifo: true);
        Assert.Throws<QueueException>(() => QueueValidator.ValidateName(new string('a', 76) + ".fifo", fifo: true));
        QueueValidator.ValidateName(new string('a', 80), fifo: false);
        Assert.Throws<QueueException>(() => QueueValidator.ValidateName(new string('a', 81), fifo: false));
    }

    [Fact]
    public void ForNewQueue_NoAttributes_FillsAwsDefaults()
    {
        var standard = QueueValidator.ForNewQueue(null, fifo: false);
        var fifo = QueueValidator.ForNewQueue(new Dictionary<string, string> { ["FifoQueue"] = "true" }, fifo: true);

        Assert.Equal("30", standard["VisibilityTimeout"]);
        Assert.Equal("345600", standard["MessageRetentionPeriod"]);
        Assert.Equal("1048576", standard["MaximumMessageSize"]);
        Assert.Equal("0", standard["DelaySeconds"]);
        Assert.False(standard.ContainsKey("FifoQueue"));
        Assert.Equal("true", fifo["FifoQueue"]);
        Assert.Equal("false", fifo["ContentBasedDeduplication"]);
        Assert.Equal("queue", fifo["DeduplicationScope"]);
    }

    [Theory]
    [InlineData("VisibilityTimeout", "43201")]
    [InlineData("DelaySeconds", "-1")]
    [InlineData("MessageRetentionPeriod", "59")]
    [InlineData("MaximumMessageSize", "1023")]
    [InlineData("ReceiveMessageWaitTimeSeconds", "21")]
    [InlineData("VisibilityTimeout", "soon")]
    public void ForNewQueue_OutOfRange_ThrowsInvalidAttributeValue(string name, string value)
    {
        var error = Assert.Throws<QueueException>(() => QueueValidator.ForNewQueue(new Dictionary<string, string> { [name] = value }, fifo: false));

        Assert.Equal("InvalidAttributeValue", error.QueryCode);
        Assert.Equal($"Invalid value for the parameter {name}.", error.Message);
    }

    [Theory]
    [InlineData("Bogus", "Unknown Attribute Bogus.")]
    [InlineData("ContentBasedDeduplication", "Unknown Attribute ContentBasedDeduplication.")]
    [InlineData("DeduplicationScope", "You can specify the DeduplicationScope only when FifoQueue is set to true.")]
    public void ForNewQueue_AttributeAStandardQueueHasNot_ThrowsInvalidAttributeName(string name, string message)
    {
        var error = Assert.Throws<QueueException>(() => QueueValidator.ForNewQueue(new Dictionary<string, string> { [name] = "queue" }, fifo: false));

        Assert.Equal("InvalidAttributeName", error.QueryCode);
        Assert.Equal(message, error.Message);
    }

    [Fact]
    public void ForUpdate_EmptyOptionalValue_RemovesIt()
    {
        var current = new Dictionary<string, string> { ["VisibilityTimeout"] = "30", ["Policy"] = "{}" };

        var updated = QueueValidator.ForUpdate(current, new Dictionary<string, string> { ["Policy"] = "", ["VisibilityTimeout"] = "5" }, fifo: false);

        Assert.False(updated.ContainsKey("Policy"));
        Assert.Equal("5", updated["VisibilityTimeout"]);
    }

    [Fact]
    public void ForNewQueue_RedrivePolicy_IsKeptInAwsForm()
    {
        var attributes = QueueValidator.ForNewQueue(
            new Dictionary<string, string> { ["RedrivePolicy"] = """{ "maxReceiveCount": "4", "deadLetterTargetArn": "arn:aws:sqs:us-east-1:000000000000:dlq" }""" },
            fifo: false);

        Assert.Equal("""{"deadLetterTargetArn":"arn:aws:sqs:us-east-1:000000000000:dlq","maxReceiveCount":4}""", attributes["RedrivePolicy"]);
    }

    [Fact]
    public void ForUpdate_FifoQueueFalseOnFifo_IsRefused()
    {
        var error = Assert.Throws<QueueException>(() =>
            QueueValidator.ForUpdate(new Dictionary<string, string>(), new Dictionary<string, string> { ["FifoQueue"] = "false" }, fifo: true));

        Assert.Equal("Invalid value for the parameter FifoQueue. Reason: Modifying queue type is not supported.", error.Message);
    }

    [Theory]
    [InlineData("""{"deadLetterTargetArn":"arn:aws:sqs:us-east-1:000000000000:dlq","maxReceiveCount":"5"}""", 5)]
    [InlineData("""{"deadLetterTargetArn":"arn:aws:sqs:us-east-1:000000000000:dlq","maxReceiveCount":1000}""", 1000)]
    public void ParseRedrivePolicy_Valid_ReadsTargetAndCount(string json, int count)
    {
        var policy = QueueValidator.ParseRedrivePolicy(json);

        Assert.Equal("arn:aws:sqs:us-east-1:000000000000:dlq", policy.DeadLetterTargetArn);
        Assert.Equal(count, policy.MaxReceiveCount);
    }

    [Theory]
    [InlineData("""{"deadLetterTargetArn":"arn:aws:sqs:us-east-1:000000000000:dlq","maxReceiveCount":"0"}""")]
    [InlineData("""{"deadLetterTargetArn":"arn:aws:sqs:us-east-1:000000000000:dlq","maxReceiveCount":"1001"}""")]
    [InlineData("""{"deadLetterTargetArn":"not-an-arn","maxReceiveCount":"3"}""")]
    [InlineData("""{"maxReceiveCount":"3"}""")]
    [InlineData("not json")]
    public void ParseRedrivePolicy_Invalid_ThrowsInvalidAttributeValue(string json)
    {
        var error = Assert.Throws<QueueException>(() => QueueValidator.ParseRedrivePolicy(json));

        Assert.Equal("InvalidAttributeValue", error.QueryCode);
    }

    [Fact]
    public void ValidateMessage_SizeCountsBodyAndAttributes()
    {
        var attributes = new Dictionary<string, MessageAttributeValue> { ["ab"] = new() { DataType = "String", StringValue = "xyz" } };

        QueueValidator.ValidateMessage(new string('x', 1024 - 11), attributes, 1024);
        var error = Assert.Throws<QueueException>(() => QueueValidator.ValidateMessage(new string('x', 1024 - 10), attributes, 1024));

        Assert.Equal(1024 - 10 + 2 + 6 + 3, QueueValidator.MessageSize(new string('x', 1024 - 10), attributes));
        Assert.Equal("One or more parameters are invalid. Reason: Message must be shorter than 1024 bytes.", error.Message);
    }

    [Theory]
    [InlineData("")]
    [InlineData(null)]
    public void ValidateMessage_NoBody_ThrowsMissingParameter(string? body)
    {
        var error = Assert.Throws<QueueException>(() => QueueValidator.ValidateMessage(body, null, 1024));

        Assert.Equal("MissingParameter", error.QueryCode);
        Assert.Equal("The request must contain the parameter MessageBody.", error.Message);
    }

    [Theory]
    [InlineData("nul \u0000")]
    [InlineData("bell \u0007")]
    [InlineData("\uffff")]
    public void ValidateMessage_CharactersOutsideXml_ThrowsInvalidMessageContents(string body)
    {
        var error = Assert.Throws<QueueException>(() => QueueValidator.ValidateMessage(body, null, 1024));

        Assert.Equal("InvalidMessageContents", error.QueryCode);
    }

    [Fact]
    public void HasValidCharacters_LoneSurrogate_IsFalse()
    {
        Assert.False(QueueValidator.HasValidCharacters("lone " + (char)0xD800));
        Assert.False(QueueValidator.HasValidCharacters((char)0xDC00 + " low first"));
    }

    [Fact]
    public void ValidateMessage_TabsNewlinesAndAstralCharacters_Pass() => QueueValidator.ValidateMessage("a\tb\r\nc 😀 \ue000", null, 1024);

    [Theory]
    [InlineData("e", "String", "", "Message (user) attribute 'e' must contain a non-empty value of type 'String'.")]
    [InlineData("n", "Number", "forty", "Can't cast the value of message (user) attribute 'n' to a number.")]
    [InlineData("AWS.x", "String", "v", "You can't use message attribute names beginning with 'AWS.' or 'Amazon.'. These strings are reserved for internal use. Additionally, they cannot start or end with '.'.")]
    [InlineData("t", "Text", "v", "The type of message (user) attribute 't' is invalid. You must use only the following supported type prefixes: Binary, Number, String.")]
    public void ValidateMessageAttributes_Invalid_ThrowsWithSqsMessage(string name, string type, string value, string message)
    {
        var attributes = new Dictionary<string, MessageAttributeValue> { [name] = new() { DataType = type, StringValue = value } };

        var error = Assert.Throws<QueueException>(() => QueueValidator.ValidateMessageAttributes(attributes));

        Assert.Equal("InvalidParameterValue", error.QueryCode);
        Assert.Equal(message, error.Message);
    }

    [Fact]
    public void ValidateMessageAttributes_CustomTypesAndBinary_Pass()
    {
        QueueValidator.ValidateMessageAttributes(new Dictionary<string, MessageAttributeValue>
        {
            ["a"] = new() { DataType = "Number.float", StringValue = "1.5e3" },
            ["b"] = new() { DataType = "Binary.gzip", BinaryValue = [1] },
            ["c"] = new() { DataType = "String.json", StringValue = "{}" },
        });
    }

    [Fact]
    public void ValidateBatch_EachRule_HasItsError()
    {
        Assert.Equal("AWS.SimpleQueueService.EmptyBatchRequest", Assert.Throws<QueueException>(() => QueueValidator.ValidateBatch([], "E")).QueryCode);
        var tooMany = Assert.Throws<QueueException>(() => QueueValidator.ValidateBatch([.. Enumerable.Range(0, 11).Select(i => $"i{i}")], "E"));
        Assert.Equal("Maximum number of entries per request are 10. You have sent 11.", tooMany.Message);
        Assert.Equal("AWS.SimpleQueueService.BatchEntryIdsNotDistinct", Assert.Throws<QueueException>(() => QueueValidator.ValidateBatch(["a", "a"], "E")).QueryCode);
        Assert.Equal("AWS.SimpleQueueService.InvalidBatchEntryId", Assert.Throws<QueueException>(() => QueueValidator.ValidateBatch(["a b"], "E")).QueryCode);
        Assert.Equal("AWS.SimpleQueueService.InvalidBatchEntryId", Assert.Throws<QueueException>(() => QueueValidator.ValidateBatch([new string('a', 81)], "E")).QueryCode);
        QueueValidator.ValidateBatch(["a", "B-1", "c_2", new string('z', 80)], "E");
    }

    [Theory]
    [InlineData("group 123")]
    [InlineData("")]
    public void ValidateFifoId_Invalid_ThrowsWithSqsMessage(string value)
    {
        var error = Assert.Throws<QueueException>(() => QueueValidator.ValidateFifoId(value, "MessageGroupId"));

        Assert.Equal($"Value {value} for parameter MessageGroupId is invalid. Reason: MessageGroupId can only include alphanumeric and punctuation characters. 1 to 128 in length.", error.Message);
    }

    [Fact]
    public void QueueArn_FormatAndParse_RoundTrip()
    {
        var arn = QueueArn.Format(new Nimbus.Core.Arns.Scope("123456789012", "eu-west-1"), "orders.fifo");

        Assert.Equal("arn:aws:sqs:eu-west-1:123456789012:orders.fifo", arn);
        Assert.True(QueueArn.TryParse(arn, out var scope, out var name));
        Assert.Equal(new Nimbus.Core.Arns.Scope("123456789012", "eu-west-1"), scope);
        Assert.Equal("orders.fifo", name);
        Assert.False(QueueArn.TryParse("arn:aws:lambda:us-east-1:1:function:f", out _, out _));
    }
}
