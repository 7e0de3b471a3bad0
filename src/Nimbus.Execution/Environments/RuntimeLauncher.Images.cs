// SPDX-License-Identifier: Apache-2.0
using System.Globalization;
using Nimbus.Core.Arns;
using Nimbus.Core.Functions;
using Nimbus.Core.Images;
using Nimbus.Core.Validation;

namespace Nimbus.Execution.Environments;

internal sealed partial class RuntimeLauncher
{
    /// <summary>PATH in Lambda's base images when the image sets none.</summary>
    private const string ImageDefaultPath = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

    /// <summary>
    /// A container image's runtime, as Lambda starts it: the image's ENTRYPOINT followed by its CMD (each replaced by
    /// the function's ImageConfig when set), in its WORKDIR (or ImageConfig's WorkingDirectory); the image's ENV under
    /// the function's variables, and the reserved ones over both. _HANDLER is the CMD's first word, as in AWS's base
    /// images. The image's runtime interface client talks to AWS_LAMBDA_RUNTIME_API, which nimbus-init serves.
    /// </summary>
    private RuntimeLaunch CreateForImage(Scope scope, FunctionVersion function, ResolvedImage image, string logStreamName, string initializationType, string? imageRoot)
    {
        var overrides = function.ImageConfig;
        var entryPoint = overrides?.EntryPoint ?? image.EntryPoint ?? [];
        var command = overrides?.Command ?? image.Command ?? [];
        var argv = new List<string>(entryPoint.Count + command.Count);
        argv.AddRange(entryPoint);
        argv.AddRange(command);
        if (argv.Count == 0)
        {
            throw new Sandboxes.SandboxStartException("the image has no ENTRYPOINT or CMD and the function no ImageConfig to name one");
        }

        var variables = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["PATH"] = ImageDefaultPath,
            ["LANG"] = "en_US.UTF-8",
            ["TZ"] = ":UTC",
            ["AWS_XRAY_CONTEXT_MISSING"] = "LOG_ERROR",
            ["AWS_XRAY_DAEMON_ADDRESS"] = "169.254.79.129:2000",
            ["AWS_LAMBDA_LOG_FORMAT"] = function.Logging.LogFormat,
        };
        foreach (var pair in image.Environment)
        {
            var equals = pair.IndexOf('=', StringComparison.Ordinal);
            if (equals > 0)
            {
                variables[pair[..equals]] = pair[(equals + 1)..];
            }
        }

        if (options.PlatformEndpoint is { } endpoint)
        {
            variables["AWS_ENDPOINT_URL"] = endpoint;
        }

        if (function.Environment is { } own)
        {
            foreach (var (name, value) in own)
            {
                if (!FunctionValidator.ReservedEnvironmentKeys.Contains(name))
                {
                    variables[name] = value;
                }
            }
        }

        var region = scope.Region;
        variables["_HANDLER"] = command.Count > 0 ? command[0] : "";
        variables["AWS_REGION"] = region;
        variables["AWS_DEFAULT_REGION"] = region;
        variables["AWS_LAMBDA_FUNCTION_NAME"] = function.Name;
        variables["AWS_LAMBDA_FUNCTION_VERSION"] = function.Version;
        variables["AWS_LAMBDA_FUNCTION_MEMORY_SIZE"] = function.MemorySize.ToString(CultureInfo.InvariantCulture);
        variables["AWS_LAMBDA_LOG_GROUP_NAME"] = function.Logging.LogGroup;
        variables["AWS_LAMBDA_LOG_STREAM_NAME"] = logStreamName;
        variables["AWS_LAMBDA_INITIALIZATION_TYPE"] = initializationType;
        variables["LAMBDA_TASK_ROOT"] = "/var/task";
        variables["LAMBDA_RUNTIME_DIR"] = "/var/runtime";
        var session = _credentials.IssueSession(
            FunctionRoleAccess.SessionArn(scope.Account, function.Role, function.Name),
            scope.Account,
            options.MaxLifetime + SessionMargin,
            _time.GetUtcNow());
        variables["AWS_ACCESS_KEY_ID"] = session.AccessKeyId;
        variables["AWS_SECRET_ACCESS_KEY"] = session.SecretAccessKey;
        variables["AWS_SESSION_TOKEN"] = session.SessionToken!; // IssueSession always sets a token.

        var list = new List<KeyValuePair<string, string>>(variables.Count);
        foreach (var pair in variables)
        {
            list.Add(pair);
        }

        var workingDirectory = overrides?.WorkingDirectory ?? image.WorkingDirectory ?? "/";
        var executable = FindExecutable(argv[0], variables["PATH"], workingDirectory, imageRoot);
        return new RuntimeLaunch(executable, argv.GetRange(1, argv.Count - 1), workingDirectory, list) { DirectRuntimeApi = options.DirectRuntimeApi };
    }

    /// <summary>A command without a slash is looked up on the image's PATH (in the image's root on the host), as execvp would.</summary>
    private static string FindExecutable(string command, string path, string workingDirectory, string? imageRoot)
    {
        if (command.Contains('/', StringComparison.Ordinal))
        {
            return command.StartsWith('/') ? command : Path.Combine(workingDirectory, command);
        }

        if (imageRoot is not null)
        {
            foreach (var directory in path.Split(':', StringSplitOptions.RemoveEmptyEntries))
            {
                var candidate = Path.Combine(directory, command);
                if (File.Exists(Path.Combine(imageRoot, candidate.TrimStart('/'))))
                {
                    return candidate;
                }
            }
        }

        return command;
    }
}
