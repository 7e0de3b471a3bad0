// SPDX-License-Identifier: Apache-2.0
namespace Nimbus.Api.Wire;

/// <summary>GetFunctionCodeSigningConfigResponse: CodeSigningConfigArn (empty when the function has none) and FunctionName.</summary>
internal sealed record FunctionCodeSigningWire
{
    public required string CodeSigningConfigArn { get; init; }

    public required string FunctionName { get; init; }
}
