// SPDX-License-Identifier: Apache-2.0
namespace Nimbus.Api.Wire;

/// <summary>A function's ImageConfigResponse: the ImageConfig it has.</summary>
internal sealed record ImageConfigResponseWire
{
    public ImageConfigWire? ImageConfig { get; init; }
}
