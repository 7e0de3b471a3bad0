// SPDX-License-Identifier: Apache-2.0
namespace Nimbus.Api.Wire;

/// <summary>The model's RuntimeVersionConfig in a function's configuration: the runtime version it runs.</summary>
internal sealed record RuntimeVersionConfigWire
{
    public string? RuntimeVersionArn { get; init; }
}
