// SPDX-License-Identifier: Apache-2.0
using Nimbus.Core.Arns;

namespace Nimbus.Core.Metrics;

/// <summary>
/// Where the invoke path, the async worker and the queues report what AWS/Lambda and AWS/SQS count. Calls are
/// cheap (no allocation once a function's series exist, one short lock per series) and never throw; with metrics
/// off they return at once. A qualifier (version or alias) adds the Resource series
/// <c>name:qualifier</c>; every Lambda figure also goes to the function's series and the account's (no dimension).
/// </summary>
public interface IMetricsRecorder
{
    bool Enabled { get; }

    /// <summary>An invocation is about to ask for a slot: it counts as in flight until it ends or is throttled.</summary>
    void InvocationStarting(Scope scope, string functionName, string? qualifier);

    /// <summary>The invocation ran: Invocations, Errors (a function error), Duration, concurrency, provisioned use.</summary>
    void InvocationEnded(Scope scope, string functionName, string? qualifier, in InvocationFigures figures);

    /// <summary>The invocation was refused a slot (Throttles); it never ran and is not counted in Invocations.</summary>
    void InvocationThrottled(Scope scope, string functionName, string? qualifier);

    /// <summary>Any other Lambda figure (async events, dead-letter and destination failures, recursion stops).</summary>
    void Lambda(Scope scope, string functionName, string? qualifier, LambdaMetric metric, double value);

    /// <summary>An AWS/SQS figure for one queue.</summary>
    void Sqs(Scope scope, string queueName, SqsMetric metric, double value);
}
