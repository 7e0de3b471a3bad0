// SPDX-License-Identifier: Apache-2.0
using Nimbus.Core.Arns;
using Nimbus.Core.Functions;

namespace Nimbus.Execution.Invocation;

/// <summary>
/// What one invocation runs, resolved once: the function (its name, ARN, recursion config, tags), the version chosen
/// for this invocation (by weight, for an alias that routes), the qualifier the caller used and the ARN it invoked.
/// </summary>
public sealed record ResolvedFunction
{
    public required Scope Scope { get; init; }

    public required FunctionRecord Function { get; init; }

    /// <summary>The version that runs (configuration and code).</summary>
    public required FunctionVersion Version { get; init; }

    /// <summary>The qualifier as resolved (a version or an alias), or null for the unqualified function.</summary>
    public string? Qualifier { get; init; }

    /// <summary>The ARN the caller invoked (with the qualifier it used, if any).</summary>
    public required string InvokedFunctionArn { get; init; }

    /// <summary>The function's own choice of outbound network (tag nimbus:outbound-network), or null for the server's.</summary>
    public bool? OutboundNetwork { get; init; }

    /// <summary>Chooses the version of <paramref name="target"/> one invocation runs.</summary>
    public static ResolvedFunction Choose(Scope scope, InvokeTarget target) => new()
    {
        Scope = scope,
        Function = target.Record,
        Version = target.Choose(),
        Qualifier = target.Reference.Qualifier,
        InvokedFunctionArn = scope.FunctionArn(target.Record.Name, target.Reference.Qualifier),
        OutboundNetwork = FunctionTags.OutboundNetworkOf(target.Record.Tags),
    };
}
