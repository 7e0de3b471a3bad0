// SPDX-License-Identifier: Apache-2.0
using Nimbus.Core.Queues;

namespace Nimbus.Api.Queues;

/// <summary>The SQS actions: each reads its parameters, calls <see cref="Events.Queues.QueueService"/>, writes its result.</summary>
internal static partial class SqsOperations
{
    public static async Task RunAsync(string action, SqsCall call)
    {
        await SqsActions.AuthorizeAsync(action, call);
        await DispatchAsync(action, call);
    }

    private static Task DispatchAsync(string action, SqsCall call) => action switch
    {
        "CreateQueue" => CreateQueueAsync(call),
        "GetQueueUrl" => GetQueueUrlAsync(call),
        "ListQueues" => ListQueuesAsync(call),
        "DeleteQueue" => DeleteQueueAsync(call),
        "GetQueueAttributes" => GetQueueAttributesAsync(call),
        "SetQueueAttributes" => SetQueueAttributesAsync(call),
        "PurgeQueue" => PurgeQueueAsync(call),
        "TagQueue" => TagQueueAsync(call),
        "UntagQueue" => UntagQueueAsync(call),
        "ListQueueTags" => ListQueueTagsAsync(call),
        "ListDeadLetterSourceQueues" => ListDeadLetterSourceQueuesAsync(call),
        "SendMessage" => SendMessageAsync(call),
        "SendMessageBatch" => SendMessageBatchAsync(call),
        "ReceiveMessage" => ReceiveMessageAsync(call),
        "DeleteMessage" => DeleteMessageAsync(call),
        "DeleteMessageBatch" => DeleteMessageBatchAsync(call),
        "ChangeMessageVisibility" => ChangeMessageVisibilityAsync(call),
        "ChangeMessageVisibilityBatch" => ChangeMessageVisibilityBatchAsync(call),
        _ => throw QueueErrors.InvalidAction(action),
    };

    /// <summary>True for actions whose XML answer has a Result element even when it is empty.</summary>
    public static bool HasResult(string action) => action is "CreateQueue" or "GetQueueUrl" or "ListQueues" or "GetQueueAttributes"
        or "ListQueueTags" or "ListDeadLetterSourceQueues" or "SendMessage" or "SendMessageBatch" or "ReceiveMessage" or "DeleteMessageBatch" or "ChangeMessageVisibilityBatch";

    private static async Task CreateQueueAsync(SqsCall call)
    {
        var queue = await call.Queues.CreateQueueAsync(
            call.Scope,
            call.Input.String("QueueName") ?? string.Empty,
            call.Input.StringMap("Attributes", "Attribute", "Name", "Value"),
            call.Input.StringMap("tags", "Tag", "Key", "Value"),
            call.Aborted);
        call.Output.String("QueueUrl", call.UrlOf(queue));
    }

    private static async Task GetQueueUrlAsync(SqsCall call)
    {
        var name = call.Input.String("QueueName");
        if (string.IsNullOrEmpty(name))
        {
            throw QueueErrors.MissingParameter("QueueName");
        }

        if (call.Input.String("QueueOwnerAWSAccountId") is { Length: > 0 } owner && owner != call.Scope.Account)
        {
            throw QueueErrors.QueueDoesNotExist();
        }

        var queue = await call.Queues.GetQueueAsync(call.Scope, name, call.Aborted);
        call.Output.String("QueueUrl", call.UrlOf(queue));
    }

    private static async Task ListQueuesAsync(SqsCall call)
    {
        var page = await call.Queues.ListQueuesAsync(
            call.Scope,
            call.Input.String("QueueNamePrefix"),
            call.Input.Int("MaxResults"),
            call.Input.String("NextToken"),
            call.Aborted);
        var urls = new List<string>(page.Queues.Count);
        foreach (var queue in page.Queues)
        {
            urls.Add(call.UrlOf(queue));
        }

        // AWS leaves QueueUrls out when no queue matches.
        if (urls.Count > 0)
        {
            call.Output.StringList("QueueUrls", "QueueUrl", urls);
        }

        call.Output.String("NextToken", page.NextToken);
    }

    private static async Task ListDeadLetterSourceQueuesAsync(SqsCall call)
    {
        var queue = await call.QueueAsync();
        var page = await call.Queues.ListDeadLetterSourceQueuesAsync(queue, call.Input.Int("MaxResults"), call.Input.String("NextToken"), call.Aborted);
        var urls = new List<string>(page.Queues.Count);
        foreach (var source in page.Queues)
        {
            urls.Add(call.UrlOf(source));
        }

        call.Output.StringList("queueUrls", "QueueUrl", urls);
        call.Output.String("NextToken", page.NextToken);
    }

    private static async Task DeleteQueueAsync(SqsCall call) => await call.Queues.DeleteQueueAsync(await call.QueueAsync(), call.Aborted);

    private static async Task GetQueueAttributesAsync(SqsCall call)
    {
        var queue = await call.QueueAsync();
        var attributes = await call.Queues.GetAttributesAsync(queue, call.Input.StringList("AttributeNames", "AttributeName"), call.Aborted);
        if (attributes.Count > 0)
        {
            call.Output.StringMap("Attributes", "Attribute", "Name", "Value", attributes);
        }
    }

    private static async Task SetQueueAttributesAsync(SqsCall call)
    {
        var queue = await call.QueueAsync();
        var attributes = call.Input.StringMap("Attributes", "Attribute", "Name", "Value") ?? throw QueueErrors.MissingParameter("Attributes");
        await call.Queues.SetAttributesAsync(queue, attributes, call.Aborted);
    }

    private static async Task PurgeQueueAsync(SqsCall call) => await call.Queues.PurgeQueueAsync(await call.QueueAsync(), call.Aborted);

    private static async Task TagQueueAsync(SqsCall call)
    {
        var queue = await call.QueueAsync();
        await call.Queues.TagQueueAsync(queue, call.Input.StringMap("Tags", "Tag", "Key", "Value") ?? throw QueueErrors.MissingParameter("Tags"), call.Aborted);
    }

    private static async Task UntagQueueAsync(SqsCall call)
    {
        var queue = await call.QueueAsync();
        await call.Queues.UntagQueueAsync(queue, call.Input.StringList("TagKeys", "TagKey") ?? throw QueueErrors.MissingParameter("TagKeys"), call.Aborted);
    }

    private static async Task ListQueueTagsAsync(SqsCall call)
    {
        var queue = await call.QueueAsync();
        if (queue.Tags.Count > 0)
        {
            call.Output.StringMap("Tags", "Tag", "Key", "Value", queue.Tags);
        }
    }
}
