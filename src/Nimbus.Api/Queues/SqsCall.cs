// SPDX-License-Identifier: Apache-2.0
using Microsoft.AspNetCore.Http;
using Nimbus.Core.Arns;
using Nimbus.Core.Queues;
using Nimbus.Events.Queues;

namespace Nimbus.Api.Queues;

/// <summary>One SQS call: its parameters, where its answer goes, and who and where the caller is.</summary>
internal sealed class SqsCall
{
    public required HttpContext Context { get; init; }

    public required SqsInput Input { get; init; }

    public required SqsWriter Output { get; init; }

    public required Scope Scope { get; init; }

    public required QueueService Queues { get; init; }

    /// <summary>The queue URL of the request path (query protocol clients post to the queue's URL).</summary>
    public string? PathQueueUrl { get; init; }

    public CancellationToken Aborted => Context.RequestAborted;

    /// <summary><c>http://{host:port of the request}/{account}/{name}</c>.</summary>
    public string UrlOf(QueueRecord queue) => $"{Context.Request.Scheme}://{Context.Request.Host}/{queue.Scope.Account}/{queue.Name}";

    /// <summary>The queue a request's QueueUrl (or its path) names; QueueDoesNotExist when there is none.</summary>
    public async Task<QueueRecord> QueueAsync()
    {
        var url = Input.String("QueueUrl") is { Length: > 0 } given ? given : PathQueueUrl;
        if (url is null)
        {
            throw QueueErrors.MissingParameter("QueueUrl");
        }

        var path = Uri.TryCreate(url, UriKind.Absolute, out var uri) ? uri.AbsolutePath : url;
        var parts = path.Split('/', StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length < 2 || parts[^2] != Scope.Account)
        {
            throw QueueErrors.QueueDoesNotExist();
        }

        return await Queues.GetQueueAsync(Scope, Uri.UnescapeDataString(parts[^1]), Aborted);
    }
}
