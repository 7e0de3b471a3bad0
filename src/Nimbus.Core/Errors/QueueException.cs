// SPDX-License-Identifier: Apache-2.0
namespace Nimbus.Core.Errors;

/// <summary>
/// An SQS error. SQS moved from the query protocol to JSON keeping both names of each error: the JSON
/// protocol answers the model's shape name in <c>__type</c> (e.g. <c>QueueDoesNotExist</c>) and the query code in
/// the <c>x-amzn-query-error</c> header (e.g. <c>AWS.SimpleQueueService.NonExistentQueue;Sender</c>), which is the
/// <c>Code</c> of the query protocol's XML error.
/// </summary>
public sealed class QueueException : Exception
{
    public QueueException(string shapeName, string queryCode, int statusCode, string message, bool senderFault = true)
        : base(message)
    {
        ShapeName = shapeName;
        QueryCode = queryCode;
        StatusCode = statusCode;
        SenderFault = senderFault;
    }

    /// <summary>The error shape of the JSON model, e.g. <c>QueueDoesNotExist</c>.</summary>
    public string ShapeName { get; }

    /// <summary>The query-protocol code, e.g. <c>AWS.SimpleQueueService.NonExistentQueue</c>.</summary>
    public string QueryCode { get; }

    public int StatusCode { get; }

    /// <summary>Sender (client) or Receiver (service) fault.</summary>
    public bool SenderFault { get; }
}
