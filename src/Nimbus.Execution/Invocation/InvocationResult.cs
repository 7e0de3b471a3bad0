// SPDX-License-Identifier: Apache-2.0
namespace Nimbus.Execution.Invocation;

/// <summary>
/// What an invocation produced: the payload (the function's result, or the error JSON), whether it is a function
/// error (AWS's X-Amz-Function-Error: Unhandled), the executed version and the invocation's log lines.
/// </summary>
public sealed record InvocationResult
{
    public required ReadOnlyMemory<byte> Payload { get; init; }

    public string ContentType { get; init; } = "application/json";

    /// <summary>"Unhandled" when the payload is an error; null on success.</summary>
    public string? FunctionError { get; init; }

    /// <summary>The error type when <see cref="FunctionError"/> is set (e.g. Sandbox.Timedout).</summary>
    public string? ErrorType { get; init; }

    public required string ExecutedVersion { get; init; }

    /// <summary>The invocation's log, START to REPORT, as the log stream holds it.</summary>
    public required IReadOnlyList<string> LogLines { get; init; }

    /// <summary>
    /// True when the function streamed its response into the request's <see cref="InvocationRequest.ResponseStream"/>:
    /// the sink has the body, and <see cref="Payload"/> holds only the error, if one ended the stream.
    /// </summary>
    public bool Streamed { get; init; }

    /// <summary>True when the invocation started a new environment.</summary>
    public bool ColdStart { get; init; }

    /// <summary>The function's run time, init excluded (AWS's Duration metric); zero when init failed.</summary>
    public TimeSpan Duration { get; init; }

    /// <summary>True when it ran on an environment kept for provisioned concurrency.</summary>
    public bool Provisioned { get; init; }

    /// <summary>The environments provisioned for the version it ran (0 when none): for the provisioned-concurrency metrics.</summary>
    public int ProvisionedConfigured { get; init; }
}
