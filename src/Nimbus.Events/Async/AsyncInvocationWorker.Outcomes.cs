// SPDX-License-Identifier: Apache-2.0
using System.Text;
using System.Text.Json;
using Nimbus.Core.Diagnostics;
using Nimbus.Core.Functions;
using Nimbus.Core.Metrics;
using Nimbus.Core.Storage;
using Nimbus.Core.Validation;
using Nimbus.Execution.Invocation;

namespace Nimbus.Events.Async;

public sealed partial class AsyncInvocationWorker
{
    private const int MaxDeadLetterErrorMessage = 1024;

    /// <summary>
    /// A failed event: the invocation record to the on-failure destination, and the event itself to the version's
    /// dead-letter queue with RequestID, ErrorCode and ErrorMessage attributes, as AWS sends both.
    /// </summary>
    private async Task FailAsync(Outcome outcome, string condition, int attempts, InvocationResult? result, string? trace, CancellationToken cancellationToken)
    {
        // AWS counts every event given up on (sent on to a destination or dead-letter queue or not) in AsyncEventsDropped.
        var invocation = outcome.Invocation;
        metrics?.Lambda(invocation.Scope, invocation.FunctionName, invocation.Qualifier, LambdaMetric.AsyncEventsDropped, 1);
        if (outcome.Config?.OnFailure is { } onFailure)
        {
            await SendRecordAsync(outcome, onFailure, condition, attempts, result, trace, cancellationToken);
        }

        if (outcome.Version.DeadLetterTargetArn is { } deadLetter)
        {
            var attributes = new Dictionary<string, QueueAttributeValue>(StringComparer.Ordinal)
            {
                ["RequestID"] = new("String", outcome.Invocation.RequestId),
                ["ErrorCode"] = new("Number", "200"),
                ["ErrorMessage"] = new("String", ErrorMessage(condition, result)),
            };
            await SendToQueueAsync(outcome, deadLetter, Encoding.UTF8.GetString(outcome.Invocation.Payload), attributes, trace, cancellationToken);
        }
    }

    /// <summary>Sends an invocation record to a destination: a queue gets it as the message, a function as its event.</summary>
    private async Task SendRecordAsync(Outcome outcome, string destination, string condition, int attempts, InvocationResult? result, string? trace, CancellationToken cancellationToken)
    {
        var invocation = outcome.Invocation;
        var functionArn = invocation.Scope.FunctionArn(outcome.Target.Record.Name, invocation.Qualifier ?? FunctionVersion.Latest);
        var record = InvocationRecord.Build(invocation.RequestId, functionArn, condition, attempts, invocation.Payload, result, time.GetUtcNow());
        var service = destination.Split(':') is [_, _, var s, ..] ? s : "";
        if (service == "lambda")
        {
            await SendToFunctionAsync(outcome, destination, record, trace, cancellationToken);
        }
        else if (service == "sqs")
        {
            await SendToQueueAsync(outcome, destination, Encoding.UTF8.GetString(record), new Dictionary<string, QueueAttributeValue>(), trace, cancellationToken);
        }
        else
        {
            DestinationFailed(outcome, destination, "this Nimbus server cannot deliver to that kind of destination");
        }
    }

    /// <summary>A function destination gets the record as an asynchronous invocation of its own (durable once queued).</summary>
    private async Task SendToFunctionAsync(Outcome outcome, string destination, byte[] record, string? trace, CancellationToken cancellationToken)
    {
        var match = Patterns.FunctionName().Match(destination);
        if (!match.Success)
        {
            DestinationFailed(outcome, destination, "not a function ARN");
            return;
        }

        if (await DeniedAsync(outcome, "lambda:InvokeFunction", destination, cancellationToken) is { } denied)
        {
            DestinationFailed(outcome, destination, denied);
            return;
        }

        var now = time.GetUtcNow();
        try
        {
            await queue.EnqueueAsync(
                new AsyncInvocation
                {
                    RequestId = Guid.NewGuid().ToString(),
                    Scope = outcome.Invocation.Scope,
                    FunctionName = match.Groups["name"].Value,
                    Qualifier = match.Groups["qualifier"] is { Success: true } q ? q.Value : null,
                    Payload = record,
                    TraceId = trace,
                    EnqueuedAt = now,
                    NextAttemptAt = now,
                },
                cancellationToken);
        }

        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // The function already ran: a record that cannot be delivered is reported, never a reason to run it again.
            DestinationFailed(outcome, destination, ex.Message);
            return;
        }

        Wake();
    }

    private async Task SendToQueueAsync(Outcome outcome, string queueArn, string body, IReadOnlyDictionary<string, QueueAttributeValue> attributes, string? trace, CancellationToken cancellationToken)
    {
        if (queues is null)
        {
            DestinationFailed(outcome, queueArn, "this server has no queue service");
            return;
        }

        if (await DeniedAsync(outcome, "sqs:SendMessage", queueArn, cancellationToken) is { } denied)
        {
            DestinationFailed(outcome, queueArn, denied);
            return;
        }

        try
        {
            if (!await queues.SendAsync(queueArn, body, attributes, trace, cancellationToken))
            {
                DestinationFailed(outcome, queueArn, "the queue does not exist");
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // E.g. the record is larger than the queue's MaximumMessageSize (AWS: the DestinationDeliveryFailures metric).
            // The function already ran: this is reported, never a reason to run it again.
            DestinationFailed(outcome, queueArn, ex.Message);
        }
    }

    /// <summary>
    /// Lambda delivers to destinations and dead-letter queues as the function's execution role (the role of the version
    /// that ran): the AccessDenied text when the role may not, which fails the delivery as AWS counts it
    /// (DestinationDeliveryFailures, DeadLetterErrors); null when it may.
    /// </summary>
    private ValueTask<string?> DeniedAsync(Outcome outcome, string action, string destination, CancellationToken cancellationToken) =>
        roles is null ? ValueTask.FromResult<string?>(null) : roles.DeniedAsync(outcome.Invocation.Scope, outcome.Version, action, destination, cancellationToken);

    private void DestinationFailed(Outcome outcome, string destination, string reason)
    {
        Log.DestinationFailed(logger, outcome.Invocation.FunctionName, outcome.Invocation.RequestId, destination, reason);
        NimbusMetrics.DestinationDeliveryFailures.Add(1, new KeyValuePair<string, object?>("function_name", outcome.Invocation.FunctionName));
        var invocation = outcome.Invocation;
        var metric = destination == outcome.Version.DeadLetterTargetArn ? LambdaMetric.DeadLetterErrors : LambdaMetric.DestinationDeliveryFailures;
        metrics?.Lambda(invocation.Scope, invocation.FunctionName, invocation.Qualifier, metric, 1);
    }

    /// <summary>The first 1 KB of the function's error message (AWS's ErrorMessage attribute), or what stopped the event.</summary>
    private static string ErrorMessage(string condition, InvocationResult? result)
    {
        var message = condition;
        if (result is not null)
        {
            try
            {
                using var document = JsonDocument.Parse(result.Payload);
                if (document.RootElement.ValueKind == JsonValueKind.Object
                    && document.RootElement.TryGetProperty("errorMessage", out var error)
                    && error.ValueKind == JsonValueKind.String)
                {
                    message = error.GetString() ?? condition;
                }
            }
            catch (JsonException)
            {
                message = Encoding.UTF8.GetString(result.Payload.Span);
            }
        }

        return message.Length > MaxDeadLetterErrorMessage ? message[..MaxDeadLetterErrorMessage] : message;
    }

    /// <summary>
    /// The error type the function raised: the error body's <c>errorType</c> (e.g. RuntimeError), which the platform's
    /// own type (from the runtime's error-type header, normalized to Runtime.Unknown when it is not Runtime.X or
    /// Function.X) does not keep; the platform's type when the body has none (a timeout, a crash).
    /// </summary>
    private static string? ErrorTypeOf(InvocationResult result)
    {
        try
        {
            using var document = JsonDocument.Parse(result.Payload);
            if (document.RootElement.ValueKind == JsonValueKind.Object
                && document.RootElement.TryGetProperty("errorType", out var type)
                && type.ValueKind == JsonValueKind.String
                && type.GetString() is { Length: > 0 } named)
            {
                return named;
            }
        }
        catch (JsonException)
        {
            // Not JSON: the platform's type is all there is.
        }

        return result.ErrorType;
    }

    /// <summary>What one delivery resolved: the event, the function and version it ran, and its event invoke config.</summary>
    private sealed record Outcome(AsyncInvocation Invocation, InvokeTarget Target, FunctionVersion Version, EventInvokeConfig? Config);
}
