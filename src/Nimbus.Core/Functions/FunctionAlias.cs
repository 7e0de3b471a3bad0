// SPDX-License-Identifier: Apache-2.0
namespace Nimbus.Core.Functions;

/// <summary>
/// A named pointer to one published version (or <c>$LATEST</c>), optionally sending a share of invocations to a
/// second version (<see cref="AdditionalVersionWeights"/>, at most one entry: a canary).
/// </summary>
public sealed record FunctionAlias
{
    public required string Name { get; init; }

    public required string FunctionName { get; init; }

    public required string FunctionVersion { get; init; }

    public string Description { get; init; } = "";

    public IReadOnlyDictionary<string, double>? AdditionalVersionWeights { get; init; }

    public required string RevisionId { get; init; }
}
