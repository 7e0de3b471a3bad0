// SPDX-License-Identifier: Apache-2.0
namespace Nimbus.Api.Wire;

/// <summary>ImageConfig of CreateFunction / UpdateFunctionConfiguration, and inside ImageConfigResponse.</summary>
internal sealed record ImageConfigWire
{
    public List<string>? EntryPoint { get; init; }

    public List<string>? Command { get; init; }

    public string? WorkingDirectory { get; init; }
}
