// SPDX-License-Identifier: Apache-2.0
using Nimbus.Core.Arns;
using Nimbus.Core.Errors;
using Nimbus.Core.Functions;

namespace Nimbus.Execution.Invocation;

/// <summary>Resolves name, ARN and qualifier to what an invocation runs, once per invocation, with AWS's errors.</summary>
public sealed class FunctionResolver(FunctionService functions)
{
    /// <summary>
    /// The function and version an invocation runs now; throws AWS's error when there is none, or when the version
    /// is not Active (Pending, Inactive, Failed). For an alias that routes, the version is chosen here, by weight.
    /// </summary>
    public async Task<ResolvedFunction> ResolveAsync(Scope scope, string functionName, string? qualifier, CancellationToken cancellationToken)
    {
        var target = await functions.GetForInvokeAsync(scope, functionName, qualifier, cancellationToken);
        var resolved = ResolvedFunction.Choose(scope, target);
        if (resolved.Version.State != FunctionStates.Active)
        {
            if (resolved.Version.State == FunctionStates.Pending && SnapStart.Applies(resolved.Version))
            {
                throw SnapStart.NotReady();
            }

            throw LambdaErrors.Conflict($"The operation cannot be performed at this time. The function is currently in the following state: {resolved.Version.State}");
        }

        return resolved;
    }
}
