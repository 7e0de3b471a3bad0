// SPDX-License-Identifier: Apache-2.0
using Nimbus.Api.Access;
using Nimbus.Api.Queues;
using Nimbus.Core.Arns;

namespace Nimbus.Api.Tests.Access;

/// <summary>SQS's authorization table and the queue ARN a call is checked on.</summary>
public sealed class SqsActionsTests
{
    private static readonly Scope s_scope = new("000000000000", "us-east-1");

    [Theory]
    [InlineData("SendMessage", "sqs:SendMessage")]
    [InlineData("SendMessageBatch", "sqs:SendMessage")]
    [InlineData("DeleteMessageBatch", "sqs:DeleteMessage")]
    [InlineData("ChangeMessageVisibilityBatch", "sqs:ChangeMessageVisibility")]
    [InlineData("ReceiveMessage", "sqs:ReceiveMessage")]
    [InlineData("GetQueueUrl", "sqs:GetQueueUrl")]
    [InlineData("ListDeadLetterSourceQueues", "sqs:ListDeadLetterSourceQueues")]
    public void For_Operation_IsItsActionOnTheQueue(string operation, string action)
    {
        var rule = SqsActions.For(operation);

        Assert.NotNull(rule);
        Assert.Equal(action, rule.Action);
        Assert.Equal(ResourceKind.Queue, rule.Resource);
    }

    [Fact]
    public void For_ListQueues_IsCheckedOnEverything()
    {
        Assert.Equal(ResourceKind.Any, SqsActions.For("ListQueues")!.Resource);
        Assert.Null(SqsActions.For("NoSuchAction"));
    }

    [Fact]
    public void Table_EveryServedOperation_HasARule()
    {
        string[] served = ["CreateQueue", "GetQueueUrl", "ListQueues", "DeleteQueue", "GetQueueAttributes", "SetQueueAttributes", "PurgeQueue",
            "TagQueue", "UntagQueue", "ListQueueTags", "ListDeadLetterSourceQueues", "SendMessage", "SendMessageBatch", "ReceiveMessage",
            "DeleteMessage", "DeleteMessageBatch", "ChangeMessageVisibility", "ChangeMessageVisibilityBatch"];

        Assert.All(served, operation => Assert.NotNull(SqsActions.For(operation)));
        Assert.Equal(served.Order(StringComparer.Ordinal), SqsActions.Table.Select(rule => rule.Operation).Order(StringComparer.Ordinal));
    }

    [Theory]
    [InlineData("SendMessage", "{\"QueueUrl\":\"http://127.0.0.1:9000/000000000000/orders\"}", null, "arn:aws:sqs:us-east-1:000000000000:orders")]
    [InlineData("SendMessage", "{}", "http://127.0.0.1:9000/000000000000/path-queue", "arn:aws:sqs:us-east-1:000000000000:path-queue")]
    [InlineData("DeleteQueue", "{\"QueueUrl\":\"http://h/111122223333/theirs\"}", null, "arn:aws:sqs:us-east-1:111122223333:theirs")]
    [InlineData("CreateQueue", "{\"QueueName\":\"new.fifo\"}", null, "arn:aws:sqs:us-east-1:000000000000:new.fifo")]
    [InlineData("GetQueueUrl", "{\"QueueName\":\"q\",\"QueueOwnerAWSAccountId\":\"111122223333\"}", null, "arn:aws:sqs:us-east-1:111122223333:q")]
    [InlineData("SendMessage", "{}", null, null)]
    [InlineData("CreateQueue", "{}", null, null)]
    public void QueueArnOf_Call_IsTheQueueItNames(string operation, string json, string? pathQueueUrl, string? expected)
    {
        using var document = System.Text.Json.JsonDocument.Parse(json);

        Assert.Equal(expected, SqsActions.QueueArnOf(operation, new JsonSqsInput(document.RootElement), pathQueueUrl, s_scope));
    }
}
