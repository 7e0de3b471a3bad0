// SPDX-License-Identifier: Apache-2.0
using Nimbus.Core.Arns;
using Nimbus.Core.Functions;

namespace Nimbus.Execution.Invocation;

/// <summary>One invocation as the execution layer sees it: a resolved function version and an event.</summary>
public sealed record InvocationRequest
{
    public required RequestId RequestId { get; init; }

    public InvocationType Type { get; init; }

    public required Scope Scope { get; init; }

    /// <summary>The version that runs (configuration and code).</summary>
    public required FunctionVersion Function { get; init; }

    /// <summary>The ARN the caller invoked (with the qualifier it used, if any).</summary>
    public required string InvokedFunctionArn { get; init; }

    /// <summary>The version or alias the caller named, if any (the metrics' Resource dimension).</summary>
    public string? Qualifier { get; init; }

    public ReadOnlyMemory<byte> Payload { get; init; }

    /// <summary>The client context as JSON text (decoded from X-Amz-Client-Context's base64).</summary>
    public string? ClientContext { get; init; }

    public string? TraceId { get; init; }

    public string? CognitoIdentity { get; init; }

    /// <summary>Where a streamed response goes as it is written; null to collect it (as Invoke does).</summary>
    public IResponseStreamSink? ResponseStream { get; init; }

    /// <summary>The function's own choice of outbound network (tag nimbus:outbound-network), or null for the server's.</summary>
    public bool? OutboundNetwork { get; init; }
}
