// SPDX-License-Identifier: Apache-2.0
using Nimbus.Core.Arns;
using Nimbus.Core.Errors;

namespace Nimbus.Core.Functions;

/// <summary>GetFunctionCodeSigningConfig: which code signing configuration a function has.</summary>
public sealed partial class FunctionService
{
    /// <summary>
    /// The function's name; its code signing configuration is always none, since Nimbus has no code signing
    /// configurations to attach (CreateCodeSigningConfig and PutFunctionCodeSigningConfig are not served), and AWS
    /// answers a function without one with an empty ARN. Terraform's aws_lambda_function reads it after every create.
    /// </summary>
    public async Task<string> GetCodeSigningConfigAsync(Scope scope, string functionName, CancellationToken cancellationToken)
    {
        var reference = FunctionReference.Parse(functionName, null, scope, forWrite: false);
        if (reference.Qualifier is not null)
        {
            // As for the other operations on the function as a whole (Put/GetFunctionRecursionConfig); AWS's own answer
            // to a qualified name here is not known.
            throw LambdaErrors.FunctionOnly();
        }

        _ = await _store.GetFunctionAsync(scope, reference.Name, cancellationToken)
            ?? throw LambdaErrors.FunctionNotFound(reference.UnqualifiedArn);
        return reference.Name;
    }
}
