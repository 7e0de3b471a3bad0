// SPDX-License-Identifier: Apache-2.0
namespace Nimbus.Core.Functions;

/// <summary>Account-wide settings of the control plane.</summary>
public sealed class FunctionServiceOptions
{
    /// <summary>The account's concurrency limit (AWS's default quota is 1,000).</summary>
    public int ConcurrentExecutions { get; set; } = LambdaQuotas.DefaultConcurrentExecutions;
}
