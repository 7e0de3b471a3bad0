// SPDX-License-Identifier: Apache-2.0
namespace Nimbus.Execution.Invocation;

/// <summary>
/// How an invocation reached the function (AWS's X-Amz-Invocation-Type). An event source mapping invokes
/// synchronously, as AWS's pollers do; an Event is a queued asynchronous invocation being delivered.
/// </summary>
public enum InvocationType
{
    RequestResponse,
    Event,
}
