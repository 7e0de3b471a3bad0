// SPDX-License-Identifier: Apache-2.0
namespace Nimbus.Api.Wire;

// Wire shapes of function URL configs (botocore lambda/2015-03-31: *FunctionUrlConfig*, Cors).
internal sealed record CorsWire
{
    public bool? AllowCredentials { get; init; }

    public List<string>? AllowHeaders { get; init; }

    public List<string>? AllowMethods { get; init; }

    public List<string>? AllowOrigins { get; init; }

    public List<string>? ExposeHeaders { get; init; }

    public int? MaxAge { get; init; }
}

internal sealed record FunctionUrlRequestWire
{
    public string? AuthType { get; init; }

    public CorsWire? Cors { get; init; }

    public string? InvokeMode { get; init; }
}

internal sealed record FunctionUrlConfigWire
{
    public required string FunctionUrl { get; init; }

    public required string FunctionArn { get; init; }

    public required string AuthType { get; init; }

    public CorsWire? Cors { get; init; }

    public required string CreationTime { get; init; }

    /// <summary>Absent from CreateFunctionUrlConfig's answer, as in the model.</summary>
    public string? LastModifiedTime { get; init; }

    public string? InvokeMode { get; init; }
}

internal sealed record ListFunctionUrlConfigsResponseWire
{
    public required List<FunctionUrlConfigWire> FunctionUrlConfigs { get; init; }

    public string? NextMarker { get; init; }
}
