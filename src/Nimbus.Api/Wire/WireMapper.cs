// SPDX-License-Identifier: Apache-2.0
using System.Globalization;
using Nimbus.Core.Arns;
using Nimbus.Core.Functions;

namespace Nimbus.Api.Wire;

/// <summary>Maps between the domain model and the Lambda wire shapes.</summary>
internal static class WireMapper
{
    /// <summary>A version's configuration; <paramref name="arnQualifier"/> qualifies FunctionArn as the request did.</summary>
    public static FunctionConfigurationWire ToWire(Scope scope, FunctionVersion version, string? arnQualifier = null)
    {
        List<LayerWire>? layers = null;
        if (version.Layers.Count > 0)
        {
            layers = new List<LayerWire>(version.Layers.Count);
            foreach (var layer in version.Layers)
            {
                layers.Add(new LayerWire { Arn = layer.Arn, CodeSize = layer.CodeSize });
            }
        }

        return new FunctionConfigurationWire
        {
            FunctionName = version.Name,
            FunctionArn = scope.FunctionArn(version.Name, arnQualifier),
            Runtime = version.Runtime,
            Role = version.Role,
            Handler = version.Handler,
            CodeSize = version.CodeSize,
            Description = version.Description,
            Timeout = version.Timeout,
            MemorySize = version.MemorySize,
            LastModified = FormatTimestamp(version.LastModified),
            CodeSha256 = version.CodeSha256,
            Version = version.Version,
            Environment = version.Environment is { } variables ? new EnvironmentWire { Variables = new Dictionary<string, string>(variables) } : null,
            DeadLetterConfig = version.DeadLetterTargetArn is { } dlq ? new DeadLetterConfigWire { TargetArn = dlq } : null,
            KmsKeyArn = version.KmsKeyArn,
            TracingConfig = new TracingConfigWire { Mode = version.TracingMode },
            RevisionId = version.RevisionId,
            Layers = layers,
            State = version.State,
            StateReason = version.StateReason,
            StateReasonCode = version.StateReasonCode,
            LastUpdateStatus = version.LastUpdateStatus,
            LastUpdateStatusReason = version.LastUpdateStatusReason,
            LastUpdateStatusReasonCode = version.LastUpdateStatusReasonCode,
            PackageType = version.PackageType,
            Architectures = version.Architectures,
            EphemeralStorage = new EphemeralStorageWire { Size = version.EphemeralStorageSize },
            SnapStart = new SnapStartWire { ApplyOn = version.SnapStartApplyOn, OptimizationStatus = SnapStart.OptimizationStatus(version) },
            RuntimeVersionConfig = version.RuntimeVersionArn is { } runtimeVersion ? new RuntimeVersionConfigWire { RuntimeVersionArn = runtimeVersion } : null,
            ImageConfigResponse = version.ImageConfig is { } image
                ? new ImageConfigResponseWire
                {
                    ImageConfig = new ImageConfigWire { EntryPoint = image.EntryPoint?.ToList(), Command = image.Command?.ToList(), WorkingDirectory = image.WorkingDirectory },
                }
                : null,
            LoggingConfig = new LoggingConfigWire
            {
                LogFormat = version.Logging.LogFormat,
                ApplicationLogLevel = version.Logging.ApplicationLogLevel,
                SystemLogLevel = version.Logging.SystemLogLevel,
                LogGroup = version.Logging.LogGroup,
            },
        };
    }

    /// <summary>A configuration as list operations show it: without the lifecycle state fields, as on AWS.</summary>
    public static FunctionConfigurationWire ForList(FunctionConfigurationWire wire) => wire with
    {
        State = null,
        StateReason = null,
        StateReasonCode = null,
        LastUpdateStatus = null,
        LastUpdateStatusReason = null,
        LastUpdateStatusReasonCode = null,
    };

    public static AliasConfigurationWire ToWire(Scope scope, FunctionAlias alias) => new()
    {
        AliasArn = scope.FunctionArn(alias.FunctionName, alias.Name),
        Name = alias.Name,
        FunctionVersion = alias.FunctionVersion,
        Description = alias.Description,
        RoutingConfig = alias.AdditionalVersionWeights is { Count: > 0 } weights
            ? new AliasRoutingConfigurationWire { AdditionalVersionWeights = new Dictionary<string, double>(weights) }
            : null,
        RevisionId = alias.RevisionId,
    };

    /// <summary>
    /// The routing of CreateAlias / UpdateAlias: null when RoutingConfig is absent, empty when it has no weights.
    /// </summary>
    public static IReadOnlyDictionary<string, double>? ToWeights(AliasRoutingConfigurationWire? routing) =>
        routing is null ? null : (IReadOnlyDictionary<string, double>?)routing.AdditionalVersionWeights ?? new Dictionary<string, double>();

    /// <summary>Lambda's timestamp form: milliseconds and a literal +0000, e.g. 2019-02-20T15:33:28.335+0000.</summary>
    public static string FormatTimestamp(DateTimeOffset value) =>
        value.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'+0000'", CultureInfo.InvariantCulture);

    public static FunctionChange ToChange(CreateFunctionRequestWire request) => ToChange((FunctionSettingsWire)request) with
    {
        Architectures = request.Architectures,
        PackageType = request.PackageType,
    };

    public static FunctionChange ToChange(UpdateFunctionConfigurationRequestWire request) =>
        ToChange((FunctionSettingsWire)request) with { RevisionId = request.RevisionId };

    private static FunctionChange ToChange(FunctionSettingsWire request) => new()
    {
        Runtime = request.Runtime,
        Role = request.Role,
        Handler = request.Handler,
        Description = request.Description,
        Timeout = request.Timeout,
        MemorySize = request.MemorySize,
        EphemeralStorageSize = request.EphemeralStorage?.Size,
        Environment = request.Environment is null ? null : request.Environment.Variables ?? new Dictionary<string, string>(),
        Layers = request.Layers,
        TracingMode = request.TracingConfig?.Mode,

        // An empty DeadLetterConfig removes the dead-letter queue.
        DeadLetterTargetArn = request.DeadLetterConfig is null ? null : request.DeadLetterConfig.TargetArn ?? "",
        KmsKeyArn = request.KmsKeyArn,
        LogFormat = request.LoggingConfig?.LogFormat,
        ApplicationLogLevel = request.LoggingConfig?.ApplicationLogLevel,
        SystemLogLevel = request.LoggingConfig?.SystemLogLevel,
        LogGroup = request.LoggingConfig?.LogGroup,
        ImageConfig = request.ImageConfig is { } image
            ? new Core.Images.ImageConfigOverride { EntryPoint = image.EntryPoint, Command = image.Command, WorkingDirectory = image.WorkingDirectory }
            : null,
        SnapStartApplyOn = request.SnapStart?.ApplyOn,
    };

    public static CodeUpload? ToUpload(FunctionCodeWire? code) => code is null
        ? null
        : new CodeUpload { ZipFile = AsMemory(code.ZipFile), S3Bucket = code.S3Bucket, S3Key = code.S3Key, ImageUri = code.ImageUri };

    public static CodeUpload ToUpload(UpdateFunctionCodeRequestWire request) =>
        new() { ZipFile = AsMemory(request.ZipFile), S3Bucket = request.S3Bucket, S3Key = request.S3Key, ImageUri = request.ImageUri };

    /// <summary>Keeps "not sent" apart from "empty": byte[] null would otherwise convert to an empty memory.</summary>
    private static ReadOnlyMemory<byte>? AsMemory(byte[]? bytes) => bytes is null ? (ReadOnlyMemory<byte>?)null : bytes;
}
