// SPDX-License-Identifier: Apache-2.0
using System.Globalization;

namespace Nimbus.Lambda.RuntimeSupport;

/// <summary>One event from GET /invocation/next: its Lambda-Runtime-* headers and payload.</summary>
internal sealed class Invocation(Dictionary<string, string> headers, byte[] body)
{
    public byte[] Body { get; } = body;

    public string RequestId { get; } = headers.GetValueOrDefault("Lambda-Runtime-Aws-Request-Id") ?? throw new IOException("the invocation has no request id");

    public string InvokedFunctionArn { get; } = headers.GetValueOrDefault("Lambda-Runtime-Invoked-Function-Arn") ?? "";

    public string? TraceId { get; } = headers.GetValueOrDefault("Lambda-Runtime-Trace-Id");

    public string? TenantId { get; } = headers.GetValueOrDefault("Lambda-Runtime-Aws-Tenant-Id");

    public string? ClientContextJson { get; } = headers.GetValueOrDefault("Lambda-Runtime-Client-Context");

    public string? CognitoIdentityJson { get; } = headers.GetValueOrDefault("Lambda-Runtime-Cognito-Identity");

    /// <summary>The deadline in Unix milliseconds.</summary>
    public long DeadlineMs { get; } = long.TryParse(headers.GetValueOrDefault("Lambda-Runtime-Deadline-Ms"), NumberStyles.None, CultureInfo.InvariantCulture, out var ms) ? ms : 0;

    public TimeSpan RemainingTime => TimeSpan.FromMilliseconds(Math.Max(0, DeadlineMs - DateTimeOffset.UtcNow.ToUnixTimeMilliseconds()));
}
