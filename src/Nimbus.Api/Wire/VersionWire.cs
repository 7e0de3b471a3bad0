// SPDX-License-Identifier: Apache-2.0
namespace Nimbus.Api.Wire;

// Wire shapes of versions and aliases (botocore lambda/2015-03-31: PublishVersion, ListVersionsByFunction, *Alias).
internal sealed record PublishVersionRequestWire
{
    public string? CodeSha256 { get; init; }

    public string? Description { get; init; }

    public string? RevisionId { get; init; }
}

internal sealed record ListVersionsByFunctionResponseWire
{
    public required List<FunctionConfigurationWire> Versions { get; init; }

    public string? NextMarker { get; init; }
}

internal sealed record AliasRoutingConfigurationWire
{
    public Dictionary<string, double>? AdditionalVersionWeights { get; init; }
}

internal sealed record CreateAliasRequestWire
{
    public string? Name { get; init; }

    public string? FunctionVersion { get; init; }

    public string? Description { get; init; }

    public AliasRoutingConfigurationWire? RoutingConfig { get; init; }
}

internal sealed record UpdateAliasRequestWire
{
    public string? FunctionVersion { get; init; }

    public string? Description { get; init; }

    public AliasRoutingConfigurationWire? RoutingConfig { get; init; }

    public string? RevisionId { get; init; }
}

internal sealed record AliasConfigurationWire
{
    public required string AliasArn { get; init; }

    public required string Name { get; init; }

    public required string FunctionVersion { get; init; }

    public required string Description { get; init; }

    public AliasRoutingConfigurationWire? RoutingConfig { get; init; }

    public required string RevisionId { get; init; }
}

internal sealed record ListAliasesResponseWire
{
    public required List<AliasConfigurationWire> Aliases { get; init; }

    public string? NextMarker { get; init; }
}
