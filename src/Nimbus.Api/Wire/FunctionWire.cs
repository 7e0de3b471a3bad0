// SPDX-License-Identifier: Apache-2.0
using System.Text.Json.Serialization;

namespace Nimbus.Api.Wire;

// Wire shapes of the Lambda REST API (botocore lambda/2015-03-31 service-2.json), apart from the domain model.
internal sealed record EnvironmentWire
{
    public Dictionary<string, string>? Variables { get; init; }
}

internal sealed record TracingConfigWire
{
    public string? Mode { get; init; }
}

internal sealed record DeadLetterConfigWire
{
    public string? TargetArn { get; init; }
}

internal sealed record EphemeralStorageWire
{
    public int? Size { get; init; }
}

internal sealed record LoggingConfigWire
{
    public string? LogFormat { get; init; }

    public string? ApplicationLogLevel { get; init; }

    public string? SystemLogLevel { get; init; }

    public string? LogGroup { get; init; }
}

internal sealed record LayerWire
{
    public required string Arn { get; init; }

    public long CodeSize { get; init; }
}

internal sealed record SnapStartWire
{
    public string? ApplyOn { get; init; }

    public string? OptimizationStatus { get; init; }
}

internal sealed record FunctionCodeWire
{
    public byte[]? ZipFile { get; init; }

    public string? S3Bucket { get; init; }

    public string? S3Key { get; init; }

    public string? S3ObjectVersion { get; init; }

    public string? ImageUri { get; init; }
}

internal sealed record FunctionCodeLocationWire
{
    public string? RepositoryType { get; init; }

    public string? Location { get; init; }

    public string? ImageUri { get; init; }

    public string? ResolvedImageUri { get; init; }
}

internal sealed record FunctionConfigurationWire
{
    public required string FunctionName { get; init; }

    public required string FunctionArn { get; init; }

    public string? Runtime { get; init; }

    public required string Role { get; init; }

    public string? Handler { get; init; }

    public long CodeSize { get; init; }

    public string Description { get; init; } = "";

    public int Timeout { get; init; }

    public int MemorySize { get; init; }

    public required string LastModified { get; init; }

    public required string CodeSha256 { get; init; }

    public required string Version { get; init; }

    public EnvironmentWire? Environment { get; init; }

    public DeadLetterConfigWire? DeadLetterConfig { get; init; }

    [JsonPropertyName("KMSKeyArn")]
    public string? KmsKeyArn { get; init; }

    public TracingConfigWire? TracingConfig { get; init; }

    public required string RevisionId { get; init; }

    public List<LayerWire>? Layers { get; init; }

    public string? State { get; init; }

    public string? StateReason { get; init; }

    public string? StateReasonCode { get; init; }

    public string? LastUpdateStatus { get; init; }

    public string? LastUpdateStatusReason { get; init; }

    public string? LastUpdateStatusReasonCode { get; init; }

    public required string PackageType { get; init; }

    public required IReadOnlyList<string> Architectures { get; init; }

    public required EphemeralStorageWire EphemeralStorage { get; init; }

    public required SnapStartWire SnapStart { get; init; }

    public RuntimeVersionConfigWire? RuntimeVersionConfig { get; init; }

    public required LoggingConfigWire LoggingConfig { get; init; }

    public ImageConfigResponseWire? ImageConfigResponse { get; init; }
}

/// <summary>The configuration members CreateFunction and UpdateFunctionConfiguration have in common.</summary>
internal record FunctionSettingsWire
{
    public string? Runtime { get; init; }

    public string? Role { get; init; }

    public string? Handler { get; init; }

    public string? Description { get; init; }

    public int? Timeout { get; init; }

    public int? MemorySize { get; init; }

    public DeadLetterConfigWire? DeadLetterConfig { get; init; }

    public EnvironmentWire? Environment { get; init; }

    [JsonPropertyName("KMSKeyArn")]
    public string? KmsKeyArn { get; init; }

    public TracingConfigWire? TracingConfig { get; init; }

    public List<string>? Layers { get; init; }

    public EphemeralStorageWire? EphemeralStorage { get; init; }

    public LoggingConfigWire? LoggingConfig { get; init; }

    public ImageConfigWire? ImageConfig { get; init; }

    public SnapStartWire? SnapStart { get; init; }
}

internal sealed record CreateFunctionRequestWire : FunctionSettingsWire
{
    public string? FunctionName { get; init; }

    public FunctionCodeWire? Code { get; init; }

    public bool? Publish { get; init; }

    public string? PackageType { get; init; }

    public Dictionary<string, string>? Tags { get; init; }

    public List<string>? Architectures { get; init; }

    public string? CodeSigningConfigArn { get; init; }
}

internal sealed record UpdateFunctionConfigurationRequestWire : FunctionSettingsWire
{
    public string? RevisionId { get; init; }
}

internal sealed record UpdateFunctionCodeRequestWire
{
    public byte[]? ZipFile { get; init; }

    public string? S3Bucket { get; init; }

    public string? S3Key { get; init; }

    public string? S3ObjectVersion { get; init; }

    public string? ImageUri { get; init; }

    public List<string>? Architectures { get; init; }

    public bool? Publish { get; init; }

    public bool? DryRun { get; init; }

    public string? RevisionId { get; init; }
}

internal sealed record GetFunctionResponseWire
{
    public required FunctionConfigurationWire Configuration { get; init; }

    public required FunctionCodeLocationWire Code { get; init; }

    public IReadOnlyDictionary<string, string>? Tags { get; init; }

    public ConcurrencyWire? Concurrency { get; init; }
}

internal sealed record ListFunctionsResponseWire
{
    public string? NextMarker { get; init; }

    public required List<FunctionConfigurationWire> Functions { get; init; }
}

internal sealed record TagResourceRequestWire
{
    public Dictionary<string, string>? Tags { get; init; }
}

internal sealed record ListTagsResponseWire
{
    public required IReadOnlyDictionary<string, string> Tags { get; init; }
}

internal sealed record AccountLimitWire
{
    public long TotalCodeSize { get; init; }

    public long CodeSizeUnzipped { get; init; }

    public long CodeSizeZipped { get; init; }

    public int ConcurrentExecutions { get; init; }

    public int UnreservedConcurrentExecutions { get; init; }
}

internal sealed record AccountUsageWire
{
    public long TotalCodeSize { get; init; }

    public long FunctionCount { get; init; }
}

internal sealed record GetAccountSettingsResponseWire
{
    public required AccountLimitWire AccountLimit { get; init; }

    public required AccountUsageWire AccountUsage { get; init; }
}

internal sealed record HealthWire
{
    public required string Status { get; init; }

    public required string Version { get; init; }
}
