// SPDX-License-Identifier: Apache-2.0
namespace Nimbus.Core.Metrics;

/// <summary>AWS/Lambda's metrics (the names are AWS's: <see cref="LambdaMetrics.Name"/>).</summary>
public enum LambdaMetric
{
    Invocations,
    Errors,
    Throttles,
    Duration,
    ConcurrentExecutions,
    UnreservedConcurrentExecutions,
    ProvisionedConcurrencyInvocations,
    ProvisionedConcurrencyUtilization,
    ProvisionedConcurrencySpilloverInvocations,
    DeadLetterErrors,
    DestinationDeliveryFailures,
    AsyncEventsReceived,
    AsyncEventAge,
    AsyncEventsDropped,
    RecursiveInvocationsDropped,
    PostRuntimeExtensionsDuration,
}
