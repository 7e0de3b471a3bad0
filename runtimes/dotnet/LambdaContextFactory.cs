// SPDX-License-Identifier: Apache-2.0
using System.Globalization;
using System.Reflection;
using System.Text.Json;

namespace Nimbus.Lambda.RuntimeSupport;

/// <summary>
/// The context object handed to a handler: an implementation of the function's own
/// Amazon.Lambda.Core.ILambdaContext (found on the handler's parameter), answering from the invocation's
/// Lambda-Runtime-* headers and the environment, with a Logger implementing its ILambdaLogger.
/// </summary>
internal sealed class LambdaContextFactory(Type contextType)
{
    private static readonly string s_functionName = Environment.GetEnvironmentVariable("AWS_LAMBDA_FUNCTION_NAME") ?? "";
    private static readonly string s_functionVersion = Environment.GetEnvironmentVariable("AWS_LAMBDA_FUNCTION_VERSION") ?? "";
    private static readonly string s_logGroup = Environment.GetEnvironmentVariable("AWS_LAMBDA_LOG_GROUP_NAME") ?? "";
    private static readonly string s_logStream = Environment.GetEnvironmentVariable("AWS_LAMBDA_LOG_STREAM_NAME") ?? "";
    private static readonly int s_memory = int.TryParse(Environment.GetEnvironmentVariable("AWS_LAMBDA_FUNCTION_MEMORY_SIZE"), NumberStyles.None, CultureInfo.InvariantCulture, out var mb) ? mb : 0;

    private object? _logger;

    public object Create(Invocation invocation)
    {
        object? clientContext = null;
        object? identity = null;
        return InterfaceProxy.Create(contextType, (method, _) => method.Name switch
        {
            "get_AwsRequestId" => invocation.RequestId,
            "get_FunctionName" => s_functionName,
            "get_FunctionVersion" => s_functionVersion,
            "get_InvokedFunctionArn" => invocation.InvokedFunctionArn,
            "get_LogGroupName" => s_logGroup,
            "get_LogStreamName" => s_logStream,
            "get_MemoryLimitInMB" => s_memory,
            "get_RemainingTime" => invocation.RemainingTime,
            "get_TraceId" => invocation.TraceId,
            "get_TenantId" => invocation.TenantId,
            "get_Logger" => _logger ??= InterfaceProxy.Create(method.ReturnType, Log),
            "get_ClientContext" => clientContext ??= FromJson(method.ReturnType, invocation.ClientContextJson),
            "get_Identity" => identity ??= FromJson(method.ReturnType, invocation.CognitoIdentityJson),
            _ => null,
        });
    }

    /// <summary>ILambdaLogger: Log/LogLine(message), Log(level, message[, args]), LogTrace … LogCritical(message[, args]).</summary>
    private static object? Log(MethodInfo method, object?[] args)
    {
        var name = method.Name;
        var level = name switch
        {
            "LogTrace" => 0,
            "LogDebug" => 1,
            "LogInformation" => 2,
            "LogWarning" => 3,
            "LogError" => 4,
            "LogCritical" => 5,
            _ => 2,
        };
        var index = 0;
        if (name == "Log" && args.Length >= 2)
        {
            // Log(level, message, ...): the level is a string or Amazon.Lambda.Core.LogLevel (Trace = 0 … Critical = 5).
            level = args[0] is string label ? LambdaLog.Parse(label) ?? 2 : Convert.ToInt32(args[0], CultureInfo.InvariantCulture);
            index = 1;
        }

        Exception? exception = null;
        if (index < args.Length && args[index] is Exception e)
        {
            exception = e;
            index++;
        }

        var message = index < args.Length ? args[index] as string ?? "" : "";
        if (index + 1 < args.Length && args[index + 1] is object?[] values && values.Length > 0)
        {
            message = MessageTemplate.Apply(message, values);
        }

        if (exception is not null)
        {
            message = message.Length > 0 ? message + "\n" + exception : exception.ToString();
        }

        LambdaLog.Write(level, message);
        return null;
    }

    /// <summary>IClientContext / ICognitoIdentity from the header's JSON; null when the invocation carries none.</summary>
    private static object? FromJson(Type type, string? json)
    {
        if (string.IsNullOrEmpty(json))
        {
            return null;
        }

        using var document = JsonDocument.Parse(json);
        return FromElement(type, document.RootElement.Clone());
    }

    private static object? FromElement(Type type, JsonElement element)
    {
        if (element.ValueKind is JsonValueKind.Null or JsonValueKind.Undefined)
        {
            return null;
        }

        if (type == typeof(string))
        {
            return element.ValueKind == JsonValueKind.String ? element.GetString() : element.GetRawText();
        }

        if (type.IsAssignableFrom(typeof(Dictionary<string, string>)) && element.ValueKind == JsonValueKind.Object)
        {
            var map = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var property in element.EnumerateObject())
            {
                map[property.Name] = property.Value.ValueKind == JsonValueKind.String ? property.Value.GetString()! : property.Value.GetRawText();
            }

            return map;
        }

        if (type.IsInterface && element.ValueKind == JsonValueKind.Object)
        {
            return InterfaceProxy.Create(type, (method, _) =>
                method.Name.StartsWith("get_", StringComparison.Ordinal) && Find(element, method.Name[4..]) is { } value
                    ? FromElement(method.ReturnType, value)
                    : null);
        }

        return null;
    }

    /// <summary>The JSON member behind a property: AWS's names (IdentityId is cognitoIdentityId, Environment is env), camelCase or snake_case.</summary>
    private static JsonElement? Find(JsonElement element, string property)
    {
        var names = property switch
        {
            "IdentityId" => ["cognitoIdentityId", "identityId"],
            "IdentityPoolId" => ["cognitoIdentityPoolId", "identityPoolId"],
            "Environment" => ["env", "environment"],
            _ => new[] { char.ToLowerInvariant(property[0]) + property[1..], SnakeCase(property) },
        };
        foreach (var name in names)
        {
            if (element.TryGetProperty(name, out var value))
            {
                return value;
            }
        }

        return null;
    }

    private static string SnakeCase(string name)
    {
        var text = new System.Text.StringBuilder(name.Length + 4);
        for (var i = 0; i < name.Length; i++)
        {
            if (char.IsUpper(name[i]) && i > 0)
            {
                text.Append('_');
            }

            text.Append(char.ToLowerInvariant(name[i]));
        }

        return text.ToString();
    }
}
