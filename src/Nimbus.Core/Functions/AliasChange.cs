// SPDX-License-Identifier: Apache-2.0
namespace Nimbus.Core.Functions;

/// <summary>
/// The fields of CreateAlias / UpdateAlias. Null means "not given" (unchanged on update); an empty
/// <see cref="AdditionalVersionWeights"/> means a RoutingConfig without weights, which removes the routing.
/// </summary>
public sealed record AliasChange
{
    public string? FunctionVersion { get; init; }

    public string? Description { get; init; }

    public IReadOnlyDictionary<string, double>? AdditionalVersionWeights { get; init; }

    public string? RevisionId { get; init; }
}
