// SPDX-License-Identifier: Apache-2.0
using Microsoft.Extensions.DependencyInjection;
using Nimbus.Api.Access;
using Nimbus.Core.Access;
using Nimbus.Core.Arns;
using Nimbus.Core.Queues;

namespace Nimbus.Api.Queues;

/// <summary>
/// The IAM actions of SQS as the Service Authorization Reference names them ("Actions, resources, and condition keys
/// for Amazon SQS"): every action is checked on the queue's ARN (<c>arn:aws:sqs:REGION:ACCOUNT:NAME</c>) except
/// ListQueues (<c>*</c>); the batch operations have no actions of their own and are checked as the single one
/// (SendMessageBatch as sqs:SendMessage ...). CreateQueue with tags also needs sqs:TagQueue (SQS Developer Guide,
/// "To tag a queue on creation, you must have the sqs:CreateQueue and sqs:TagQueue permissions").
/// </summary>
internal static class SqsActions
{
    public static IReadOnlyList<ActionRule> Table { get; } =
    [
        new("ChangeMessageVisibility", "sqs:ChangeMessageVisibility", ResourceKind.Queue),
        new("ChangeMessageVisibilityBatch", "sqs:ChangeMessageVisibility", ResourceKind.Queue),
        new("CreateQueue", "sqs:CreateQueue", ResourceKind.Queue),
        new("DeleteMessage", "sqs:DeleteMessage", ResourceKind.Queue),
        new("DeleteMessageBatch", "sqs:DeleteMessage", ResourceKind.Queue),
        new("DeleteQueue", "sqs:DeleteQueue", ResourceKind.Queue),
        new("GetQueueAttributes", "sqs:GetQueueAttributes", ResourceKind.Queue),
        new("GetQueueUrl", "sqs:GetQueueUrl", ResourceKind.Queue),
        new("ListDeadLetterSourceQueues", "sqs:ListDeadLetterSourceQueues", ResourceKind.Queue),
        new("ListQueueTags", "sqs:ListQueueTags", ResourceKind.Queue),
        new("ListQueues", "sqs:ListQueues", ResourceKind.Any),
        new("PurgeQueue", "sqs:PurgeQueue", ResourceKind.Queue),
        new("ReceiveMessage", "sqs:ReceiveMessage", ResourceKind.Queue),
        new("SendMessage", "sqs:SendMessage", ResourceKind.Queue),
        new("SendMessageBatch", "sqs:SendMessage", ResourceKind.Queue),
        new("SetQueueAttributes", "sqs:SetQueueAttributes", ResourceKind.Queue),
        new("TagQueue", "sqs:TagQueue", ResourceKind.Queue),
        new("UntagQueue", "sqs:UntagQueue", ResourceKind.Queue),
    ];

    private static readonly Dictionary<string, ActionRule> s_byOperation = Table.ToDictionary(rule => rule.Operation, StringComparer.Ordinal);

    public static ActionRule? For(string operation) => s_byOperation.GetValueOrDefault(operation);

    /// <summary>
    /// The queue ARN a call names, from its QueueUrl (or the URL it was posted to), or its QueueName for CreateQueue
    /// and GetQueueUrl; null when it names none (the operation then fails on that itself).
    /// </summary>
    public static string? QueueArnOf(string operation, SqsInput input, string? pathQueueUrl, Scope scope)
    {
        if (operation is "CreateQueue" or "GetQueueUrl")
        {
            var owner = operation == "GetQueueUrl" && input.String("QueueOwnerAWSAccountId") is { Length: > 0 } account ? account : scope.Account;
            return input.String("QueueName") is { Length: > 0 } name ? QueueArn.Format(scope with { Account = owner }, name) : null;
        }

        var url = input.String("QueueUrl") is { Length: > 0 } given ? given : pathQueueUrl;
        if (url is null)
        {
            return null;
        }

        var path = Uri.TryCreate(url, UriKind.Absolute, out var uri) ? uri.AbsolutePath : url;
        var parts = path.Split('/', StringSplitOptions.RemoveEmptyEntries);
        return parts.Length < 2 ? null : QueueArn.Format(scope with { Account = parts[^2] }, Uri.UnescapeDataString(parts[^1]));
    }

    /// <summary>
    /// Checks the call's action (and sqs:TagQueue for a CreateQueue with tags). SQS writes the action of a denial in
    /// lower case ("is not authorized to perform: sqs:sendmessage on resource: arn:aws:sqs:... because no
    /// identity-based policy allows the sqs:sendmessage action", as AWS answers today), so its message does too.
    /// </summary>
    public static async ValueTask AuthorizeAsync(string operation, SqsCall call)
    {
        if (For(operation) is not { } rule || LambdaAuthorization.IsAccountRoot(call.Context))
        {
            // An unknown action fails as InvalidAction; the root may do everything in its account.
            return;
        }

        var resource = rule.Resource == ResourceKind.Any ? "*" : QueueArnOf(operation, call.Input, call.PathQueueUrl, call.Scope);
        if (resource is null)
        {
            return;
        }

        await CheckAsync(call, rule.Action, resource);
        if (operation == "CreateQueue" && call.Input.StringMap("tags", "Tag", "Key", "Value") is { Count: > 0 })
        {
            await CheckAsync(call, "sqs:TagQueue", resource);
        }
    }

    private static async ValueTask CheckAsync(SqsCall call, string action, string resource)
    {
        var context = call.Context;
        var caller = context.Caller();
        var authorizer = context.RequestServices.GetRequiredService<Authorizer>();
        var result = await authorizer.EvaluateAsync(caller, context.Origin(), action, resource, call.Aborted);
        if (!result.IsAllowed)
        {
            throw new AccessDeniedException(caller.Arn, action.ToLowerInvariant(), resource, result.Reason);
        }
    }
}
