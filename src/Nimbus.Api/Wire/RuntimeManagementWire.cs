// SPDX-License-Identifier: Apache-2.0
namespace Nimbus.Api.Wire;

/// <summary>
/// PutRuntimeManagementConfigRequest's body and the Put/GetRuntimeManagementConfigResponse shapes:
/// UpdateRuntimeOn, FunctionArn, and RuntimeVersionArn in Manual mode only.
/// </summary>
internal sealed record RuntimeManagementWire
{
    public string? UpdateRuntimeOn { get; init; }

    public string? FunctionArn { get; init; }

    public string? RuntimeVersionArn { get; init; }
}
