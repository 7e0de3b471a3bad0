// SPDX-License-Identifier: Apache-2.0
namespace Nimbus.Core.FunctionUrls;

/// <summary>What a CreateFunctionUrlConfig or UpdateFunctionUrlConfig request asks for; null members are not given.</summary>
public sealed record FunctionUrlChange
{
    public string? AuthType { get; init; }

    public string? InvokeMode { get; init; }

    /// <summary>The Cors settings given (an update without Cors keeps the current ones).</summary>
    public FunctionUrlCors? Cors { get; init; }
}
