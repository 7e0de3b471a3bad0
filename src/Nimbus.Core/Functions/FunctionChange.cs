// SPDX-License-Identifier: Apache-2.0
namespace Nimbus.Core.Functions;

/// <summary>
/// The configuration a CreateFunction or UpdateFunctionConfiguration request asks for. A null property means
/// "not given": default on create, unchanged on update.
/// </summary>
public sealed record FunctionChange
{
    public string? Runtime { get; init; }

    public string? Role { get; init; }

    public string? Handler { get; init; }

    public string? Description { get; init; }

    public int? Timeout { get; init; }

    public int? MemorySize { get; init; }

    public int? EphemeralStorageSize { get; init; }

    public IReadOnlyDictionary<string, string>? Environment { get; init; }

    public IReadOnlyList<string>? Layers { get; init; }

    public string? TracingMode { get; init; }

    /// <summary>DeadLetterConfig.TargetArn; an empty string removes the dead-letter queue.</summary>
    public string? DeadLetterTargetArn { get; init; }

    public string? KmsKeyArn { get; init; }

    /// <summary>CreateFunction's CodeSigningConfigArn: checked, then refused as not found (Nimbus has none).</summary>
    public string? CodeSigningConfigArn { get; init; }

    public string? LogFormat { get; init; }

    public string? ApplicationLogLevel { get; init; }

    public string? SystemLogLevel { get; init; }

    public string? LogGroup { get; init; }

    public IReadOnlyList<string>? Architectures { get; init; }

    public string? PackageType { get; init; }

    /// <summary>ImageConfig (PackageType Image); an empty one removes the overrides.</summary>
    public Images.ImageConfigOverride? ImageConfig { get; init; }

    /// <summary>SnapStart.ApplyOn: PublishedVersions or None.</summary>
    public string? SnapStartApplyOn { get; init; }

    /// <summary>RevisionId precondition (updates only).</summary>
    public string? RevisionId { get; init; }
}
