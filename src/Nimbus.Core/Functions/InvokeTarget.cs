// SPDX-License-Identifier: Apache-2.0
using Nimbus.Core.Arns;

namespace Nimbus.Core.Functions;

/// <summary>
/// What a name, ARN or qualifier resolves to for an invocation: one version, or for an alias with a routing
/// configuration a primary version and an additional one that gets <see cref="AdditionalWeight"/> of the traffic.
/// </summary>
public sealed record InvokeTarget(FunctionRecord Record, FunctionReference Reference, FunctionVersion Primary, FunctionVersion? Additional, double AdditionalWeight)
{
    /// <summary>The version one invocation runs: weighted at random between the two when the alias routes.</summary>
    public FunctionVersion Choose() =>
        Additional is not null && Random.Shared.NextDouble() < AdditionalWeight ? Additional : Primary;
}
