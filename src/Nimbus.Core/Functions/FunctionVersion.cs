// SPDX-License-Identifier: Apache-2.0
namespace Nimbus.Core.Functions;

/// <summary>
/// One version of a function (today <c>$LATEST</c>; published versions later): its configuration, its code
/// and its lifecycle state. Immutable; every change makes a new record with a new <see cref="RevisionId"/>.
/// </summary>
public sealed record FunctionVersion
{
    public const string Latest = "$LATEST";

    public required string Name { get; init; }

    public string Version { get; init; } = Latest;

    public string PackageType { get; init; } = "Zip";

    /// <summary>Code.ImageUri as given (PackageType Image).</summary>
    public string? ImageUri { get; init; }

    /// <summary>What <see cref="ImageUri"/> resolved to at create or update (PackageType Image).</summary>
    public Images.ResolvedImage? Image { get; init; }

    /// <summary>ImageConfig: the function's overrides of the image's ENTRYPOINT, CMD and WORKDIR.</summary>
    public Images.ImageConfigOverride? ImageConfig { get; init; }

    public string? Runtime { get; init; }

    public required string Role { get; init; }

    public string? Handler { get; init; }

    public string Description { get; init; } = "";

    public int Timeout { get; init; } = 3;

    public int MemorySize { get; init; } = 128;

    public int EphemeralStorageSize { get; init; } = 512;

    public IReadOnlyList<string> Architectures { get; init; } = ["x86_64"];

    public IReadOnlyDictionary<string, string>? Environment { get; init; }

    public IReadOnlyList<LayerReference> Layers { get; init; } = [];

    public string TracingMode { get; init; } = "PassThrough";

    /// <summary>SnapStart.ApplyOn (<see cref="SnapStart"/>): PublishedVersions or None.</summary>
    public string SnapStartApplyOn { get; init; } = SnapStart.None;

    public string? DeadLetterTargetArn { get; init; }

    public string? KmsKeyArn { get; init; }

    public required LoggingSettings Logging { get; init; }

    /// <summary>Runtime management's mode (PutRuntimeManagementConfig): Auto (the default), FunctionUpdate or Manual.</summary>
    public string UpdateRuntimeOn { get; init; } = "Auto";

    /// <summary>
    /// The runtime version the version runs (RuntimeVersionConfig): the one pinned in Manual mode, else that of the
    /// host's runtime when the function was last created, updated or configured; null before runtime management.
    /// </summary>
    public string? RuntimeVersionArn { get; init; }

    public required string CodeSha256 { get; init; }

    public long CodeSize { get; init; }

    public long UnzippedCodeSize { get; init; }

    public DateTimeOffset LastModified { get; init; }

    public required string RevisionId { get; init; }

    public string State { get; init; } = FunctionStates.Pending;

    public string? StateReason { get; init; }

    public string? StateReasonCode { get; init; }

    public string? LastUpdateStatus { get; init; }

    public string? LastUpdateStatusReason { get; init; }

    public string? LastUpdateStatusReasonCode { get; init; }

    /// <summary>True while a create or update is still being applied in the background.</summary>
    public bool IsSettling => State == FunctionStates.Pending || LastUpdateStatus == FunctionStates.InProgress;
}
