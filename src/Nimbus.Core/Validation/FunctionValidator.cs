// SPDX-License-Identifier: Apache-2.0
using System.Collections.Frozen;
using System.Text;
using System.Text.Json;
using Nimbus.Core.Errors;
using Nimbus.Core.Functions;
using Nimbus.Core.Runtimes;

namespace Nimbus.Core.Validation;

/// <summary>
/// Lambda's checks on a function's configuration, in AWS's order: first the model's constraints (all reported
/// together in one ValidationException), then the service's own rules (InvalidParameterValueException).
/// </summary>
public static class FunctionValidator
{
    private static readonly string[] s_tracingModes = ["Active", "PassThrough"];
    private static readonly string[] s_logFormats = ["JSON", "Text"];
    private static readonly string[] s_applicationLevels = ["TRACE", "DEBUG", "INFO", "WARN", "ERROR", "FATAL"];
    private static readonly string[] s_systemLevels = ["DEBUG", "INFO", "WARN"];
    private static readonly string[] s_architectures = ["x86_64", "arm64"];
    private static readonly string[] s_packageTypes = ["Zip", "Image"];
    private static readonly string[] s_snapStartApplyOn = [SnapStart.PublishedVersions, SnapStart.None];

    /// <summary>Environment variables Lambda sets itself and refuses in a function's configuration.</summary>
    public static readonly FrozenSet<string> ReservedEnvironmentKeys = new[]
    {
        "_HANDLER", "_X_AMZN_TRACE_ID", "AWS_DEFAULT_REGION", "AWS_REGION", "AWS_EXECUTION_ENV",
        "AWS_LAMBDA_FUNCTION_NAME", "AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "AWS_LAMBDA_FUNCTION_VERSION",
        "AWS_LAMBDA_INITIALIZATION_TYPE", "AWS_LAMBDA_LOG_GROUP_NAME", "AWS_LAMBDA_LOG_STREAM_NAME",
        "AWS_ACCESS_KEY", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN",
        "AWS_LAMBDA_RUNTIME_API", "LAMBDA_TASK_ROOT", "LAMBDA_RUNTIME_DIR",
    }.ToFrozenSet(StringComparer.Ordinal);

    /// <summary>Validates a create or update request; throws the first failing rule's AWS error.</summary>
    public static void Validate(FunctionChange change, bool isCreate, IRuntimeRegistry runtimes)
    {
        CheckModelConstraints(change, isCreate);
        CheckServiceRules(change, isCreate, runtimes);
    }

    private static void CheckModelConstraints(FunctionChange change, bool isCreate)
    {
        var errors = new ValidationErrors();
        if (isCreate && change.Role is null)
        {
            errors.Add(null, "role", "Member must not be null");
        }

        errors.Pattern(change.Role, "role", Patterns.Role(), Patterns.RoleText);
        errors.Length(change.Handler, "handler", 0, 128);
        errors.Pattern(change.Handler, "handler", Patterns.Handler(), Patterns.HandlerText);
        errors.Length(change.Description, "description", 0, LambdaQuotas.MaxDescriptionLength);
        errors.Range(change.Timeout, "timeout", LambdaQuotas.MinTimeout, LambdaQuotas.MaxTimeout);
        errors.Range(change.MemorySize, "memorySize", LambdaQuotas.MinMemory, LambdaQuotas.MaxMemory);
        errors.Range(change.EphemeralStorageSize, "ephemeralStorage.size", LambdaQuotas.MinEphemeralStorage, LambdaQuotas.MaxEphemeralStorage);
        errors.Enum(change.TracingMode, "tracingConfig.mode", s_tracingModes);
        errors.Pattern(change.DeadLetterTargetArn, "deadLetterConfig.targetArn", Patterns.ResourceArn(), Patterns.ResourceArnText);
        errors.Pattern(change.KmsKeyArn, "kMSKeyArn", Patterns.ResourceArn(), Patterns.ResourceArnText);
        errors.Length(change.CodeSigningConfigArn, "codeSigningConfigArn", 0, 200);
        errors.Pattern(change.CodeSigningConfigArn, "codeSigningConfigArn", Patterns.CodeSigningConfigArn(), Patterns.CodeSigningConfigArnText);
        errors.Enum(change.LogFormat, "loggingConfig.logFormat", s_logFormats);
        errors.Enum(change.ApplicationLogLevel, "loggingConfig.applicationLogLevel", s_applicationLevels);
        errors.Enum(change.SystemLogLevel, "loggingConfig.systemLogLevel", s_systemLevels);
        errors.Length(change.LogGroup, "loggingConfig.logGroup", 1, 512);
        errors.Pattern(change.LogGroup, "loggingConfig.logGroup", Patterns.LogGroup(), Patterns.LogGroupText);
        errors.Enum(change.PackageType, "packageType", s_packageTypes);
        errors.Enum(change.SnapStartApplyOn, "snapStart.applyOn", s_snapStartApplyOn);

        if (change.Architectures is { } architectures)
        {
            if (architectures.Count != 1)
            {
                errors.Add(
                    ValidationErrors.ListText(architectures),
                    "architectures",
                    $"Member must have length {(architectures.Count == 0 ? "greater than or equal to 1" : "less than or equal to 1")}");
            }

            foreach (var architecture in architectures)
            {
                if (!s_architectures.Contains(architecture))
                {
                    errors.Add(
                        ValidationErrors.ListText(architectures),
                        "architectures",
                        "Member must satisfy constraint: [Member must satisfy enum value set: [x86_64, arm64], Member must not be null]");
                    break;
                }
            }
        }

        if (change.Environment is { } environment)
        {
            foreach (var key in environment.Keys)
            {
                if (!Patterns.EnvironmentKey().IsMatch(key))
                {
                    errors.AddSensitive(
                        "environment.variables",
                        $"Map keys must satisfy constraint: [Member must satisfy regular expression pattern: {Patterns.EnvironmentKeyText}]");
                    break;
                }
            }

            foreach (var value in environment.Values)
            {
                // JSON's null as a variable's value (the model's value is a string; the wire type cannot say so): refused
                // as a null map value, in Coral's wording for map values; AWS's own answer to this body is not known.
                if (value is null)
                {
                    errors.AddSensitive("environment.variables", "Map value must satisfy constraint: [Member must not be null]");
                    break;
                }
            }
        }

        if (change.ImageConfig is { } image)
        {
            errors.MembersNotNull(image.EntryPoint, "imageConfig.entryPoint");
            errors.MembersNotNull(image.Command, "imageConfig.command");
        }

        if (change.Layers is { } layers)
        {
            foreach (var layer in layers)
            {
                if (layer is null || layer.Length is < 1 or > 2048 || !Patterns.LayerVersionArn().IsMatch(layer))
                {
                    errors.Add(
                        ValidationErrors.ListText(layers),
                        "layers",
                        $"Member must satisfy constraint: [Member must have length less than or equal to 2048, Member must have length greater than or equal to 1, Member must satisfy regular expression pattern: {Patterns.LayerVersionArnText}, Member must not be null]");
                    break;
                }
            }
        }

        errors.ThrowIfAny();
    }

    /// <summary>AWS's answer to a Handler, Runtime or Layers given for an image function.</summary>
    public const string ImageExcludes = "Please don't provide Handler or Runtime or Layer when the intended function PackageType is Image.";

    private static void CheckServiceRules(FunctionChange change, bool isCreate, IRuntimeRegistry runtimes)
    {
        if (change.PackageType == "Image")
        {
            if (change.Handler is not null || change.Runtime is not null || change.Layers is not null)
            {
                throw LambdaErrors.InvalidParameter(ImageExcludes);
            }
        }
        else if (isCreate && (change.Runtime is null || change.Handler is null))
        {
            throw LambdaErrors.InvalidParameter("Runtime and Handler are mandatory parameters for functions created with deployment packages.");
        }

        if (change.Runtime is { } runtime)
        {
            if (RuntimeCatalog.IsBlocked(runtime))
            {
                throw LambdaErrors.InvalidParameter(
                    $"The runtime parameter of {runtime} is no longer supported for creating or updating AWS Lambda functions. We recommend you use a supported runtime while creating or updating functions.");
            }

            // AWS lists the runtimes it supports; Nimbus lists those this host can run (an interpreter was found).
            if (runtimes.Find(runtime) is null)
            {
                throw LambdaErrors.InvalidParameter(
                    $"Value {runtime} at 'runtime' failed to satisfy constraint: Member must satisfy enum value set: [{string.Join(", ", runtimes.Supported)}] or be a valid ARN");
            }
        }

        if (change.Environment is { } environment)
        {
            CheckEnvironment(environment);
        }

        if (change.Layers is { Count: > LambdaQuotas.MaxLayers })
        {
            throw LambdaErrors.InvalidParameter("Cannot reference more than 5 layers.");
        }

        if (change.Layers is { } layers)
        {
            CheckLayerDuplicates(layers);
        }
    }

    /// <summary>Log levels apply to JSON logs only; AWS refuses them with the Text format.</summary>
    public static void CheckLogLevels(LoggingSettings result, FunctionChange change)
    {
        if (result.LogFormat != "JSON" && (change.ApplicationLogLevel is not null || change.SystemLogLevel is not null))
        {
            throw LambdaErrors.InvalidParameter(
                "Log level configuration is only supported when LogFormat is set to \"JSON\". Remove ApplicationLogLevel and SystemLogLevel from your request, or set LogFormat to \"JSON\" and try again.");
        }
    }

    private static void CheckEnvironment(IReadOnlyDictionary<string, string> environment)
    {
        List<string>? reserved = null;
        foreach (var key in environment.Keys)
        {
            if (ReservedEnvironmentKeys.Contains(key))
            {
                (reserved ??= []).Add(key);
            }
        }

        if (reserved is not null)
        {
            throw LambdaErrors.InvalidParameter(
                $"Lambda was unable to configure your environment variables because the environment variables you have provided contains reserved keys that are currently not supported for modification. Reserved keys used in this request: {string.Join(", ", reserved)}");
        }

        // AWS measures the variables serialized as a JSON object.
        var measured = SerializeEnvironment(environment);
        if (Encoding.UTF8.GetByteCount(measured) > LambdaQuotas.MaxEnvironmentBytes)
        {
            throw LambdaErrors.InvalidParameter(
                $"Lambda was unable to configure your environment variables because the environment variables you have provided exceeded the 4KB limit. String measured: {measured}");
        }
    }

    private static string SerializeEnvironment(IReadOnlyDictionary<string, string> environment)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            writer.WriteStartObject();
            foreach (var (key, value) in environment)
            {
                writer.WriteString(key, value);
            }

            writer.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    private static void CheckLayerDuplicates(IReadOnlyList<string> layers)
    {
        var seen = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var layer in layers)
        {
            var unversioned = layer[..layer.LastIndexOf(':')];
            if (!seen.TryAdd(unversioned, layer))
            {
                throw LambdaErrors.InvalidParameter(
                    $"Two different versions of the same layer are not allowed to be referenced in the same function. {seen[unversioned]} and {layer} are versions of the same layer.");
            }
        }
    }
}
