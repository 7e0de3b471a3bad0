// SPDX-License-Identifier: Apache-2.0
namespace Nimbus.Execution.Invocation;

/// <summary>
/// An invocation's request id: the API's x-amzn-RequestId for a synchronous invoke, the queued event's id for an
/// asynchronous one, a new one per batch for an event source mapping. The runtime sees it as the context's aws_request_id.
/// </summary>
public readonly record struct RequestId(string Value)
{
    /// <summary>A new id in AWS's form (a GUID, lower case, with hyphens).</summary>
    public static RequestId New() => new(Guid.NewGuid().ToString());

    public override string ToString() => Value;
}
