// SPDX-License-Identifier: Apache-2.0
using System.Globalization;
using Nimbus.Core.Access.Credentials;
using Nimbus.Core.Arns;
using Nimbus.Core.Functions;
using Nimbus.Core.Runtimes;
using Nimbus.Core.Validation;
using Nimbus.Execution.Sandboxes;

namespace Nimbus.Execution.Environments;

/// <summary>
/// How each runtime family starts and the environment variables Lambda gives it
/// (shared/specs/aws-docs/configuration-envvars.md): reserved ones set by the platform, unreserved defaults the
/// function may override, then the function's own variables.
/// </summary>
internal sealed class RuntimeLauncher(IRuntimeRegistry runtimes, ExecutionOptions options, CredentialDirectory? credentials = null, TimeProvider? time = null)
{
    /// <summary>Names the Python SDK's host directory to runtimes/python/bootstrap.py (its SDK_VARIABLE).</summary>
    public const string PythonSdkVariable = "_NIMBUS_PYTHON_SDK";

    // Without the server's directory (unit tests), credentials are still issued, to a directory no API reads.
    private readonly CredentialDirectory _credentials = credentials ?? new CredentialDirectory();
    private readonly TimeProvider _time = time ?? TimeProvider.System;

    /// <summary>
    /// Host directories the runtime's interpreter needs inside a sandbox, bound read-only at the same path (a pyenv
    /// interpreter finds libpython through an RPATH under its own version directory; the Python SDK's directory).
    /// </summary>
    public IReadOnlyList<string> HostDirectories(FunctionVersion function)
    {
        if (runtimes.Find(function.Runtime ?? "provided.al2023") is not { } host)
        {
            return [];
        }

        List<string> directories = [];
        foreach (var directory in (ReadOnlySpan<string?>)[host.InterpreterHome, host.SdkDirectory])
        {
            if (directory is not null && !IsSystemDirectory(directory))
            {
                directories.Add(directory);
            }
        }

        return directories;
    }

    /// <summary>/usr is in every sandbox already.</summary>
    private static bool IsSystemDirectory(string path) =>
        path is "/" or "/usr" || path.StartsWith("/usr/", StringComparison.Ordinal);

    public RuntimeLaunch Create(Scope scope, FunctionVersion function, string logStreamName, string initializationType, SandboxPaths paths, string? hostCodeDirectory = null, string? hostOptDirectory = null)
    {
        var runtimeId = function.Runtime ?? "provided.al2023";
        var host = runtimes.Find(runtimeId)
            ?? throw new SandboxStartException($"the runtime {runtimeId} is not available on this host");
        var taskRoot = paths.TaskRoot;
        var runtimeDir = paths.RuntimeDirectory;
        var opt = paths.OptDirectory;
        string command;
        List<string> arguments = [];
        var pathPrefix = "";
        switch (host.Family)
        {
            case "python":
                command = host.Interpreter!; // Python runtimes always have an interpreter.
                arguments.Add("-u");
                arguments.Add(Path.Combine(runtimeDir, "python", "bootstrap.py"));
                pathPrefix = Path.GetDirectoryName(command) + ":";
                break;
            case "nodejs":
                command = host.Interpreter!; // Node.js runtimes always have an interpreter.
                arguments.Add(Path.Combine(runtimeDir, "nodejs", "index.mjs"));
                pathPrefix = Path.GetDirectoryName(command) + ":";
                break;
            default:
                // The zip's bootstrap, looked up on the host; the runtime sees it under its task root.
                command = File.Exists(Path.Combine(hostCodeDirectory ?? taskRoot, "bootstrap")) ? Path.Combine(taskRoot, "bootstrap") : Path.Combine(opt, "bootstrap");
                break;
        }

        var region = scope.Region;
        var variables = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            // Unreserved: the function may override these.
            ["PATH"] = $"{pathPrefix}/usr/local/bin:/usr/bin:/bin:{opt}/bin",
            ["LANG"] = "en_US.UTF-8",
            ["TZ"] = ":UTC",
            ["LD_LIBRARY_PATH"] = $"/lib64:/usr/lib64:{runtimeDir}:{runtimeDir}/lib:{taskRoot}:{taskRoot}/lib:{opt}/lib",
            ["NODE_PATH"] = $"{opt}/nodejs/{NodeDirectory(runtimeId)}/node_modules:{opt}/nodejs/node_modules:" + Path.Combine(runtimeDir, "nodejs", "node_modules"),
            ["AWS_XRAY_CONTEXT_MISSING"] = "LOG_ERROR",
            ["AWS_XRAY_DAEMON_ADDRESS"] = "169.254.79.129:2000",
            ["AWS_LAMBDA_LOG_FORMAT"] = function.Logging.LogFormat,
        };
        if (function.Logging.ApplicationLogLevel is { } level)
        {
            variables["AWS_LAMBDA_LOG_LEVEL"] = level;
        }

        if ((paths.PlatformEndpoint ?? options.PlatformEndpoint) is { } endpoint)
        {
            // Calls from the function to AWS APIs reach Nimbus itself.
            variables["AWS_ENDPOINT_URL"] = endpoint;
        }

        if (host.Family == "python")
        {
            // A layer's Python packages, in AWS's order. The bootstrap keeps the task root first, so sys.path is
            // /var/task, /opt/python/lib/pythonX.Y/site-packages, /opt/python, then the standard library, as on AWS.
            variables["PYTHONPATH"] = $"{opt}/python/lib/{runtimeId}/site-packages:{opt}/python";
        }

        if (paths.TempDirectory != "/tmp")
        {
            // The process backend cannot give each environment its own /tmp.
            variables["TMPDIR"] = paths.TempDirectory;
        }

        if (function.Environment is { } own)
        {
            foreach (var (name, value) in own)
            {
                // The API refuses reserved keys; a stored configuration must not be able to set them either.
                if (!FunctionValidator.ReservedEnvironmentKeys.Contains(name))
                {
                    variables[name] = value;
                }
            }
        }

        // Reserved: set by the platform only.
        variables["_HANDLER"] = function.Handler ?? "";
        variables["AWS_REGION"] = region;
        variables["AWS_DEFAULT_REGION"] = region;
        variables["AWS_LAMBDA_FUNCTION_NAME"] = function.Name;
        variables["AWS_LAMBDA_FUNCTION_VERSION"] = function.Version;
        variables["AWS_LAMBDA_FUNCTION_MEMORY_SIZE"] = function.MemorySize.ToString(CultureInfo.InvariantCulture);
        variables["AWS_LAMBDA_LOG_GROUP_NAME"] = function.Logging.LogGroup;
        variables["AWS_LAMBDA_LOG_STREAM_NAME"] = logStreamName;
        variables["AWS_LAMBDA_INITIALIZATION_TYPE"] = initializationType;
        variables["LAMBDA_TASK_ROOT"] = taskRoot;
        variables["LAMBDA_RUNTIME_DIR"] = runtimeDir;
        if (host.Family != "provided")
        {
            variables["AWS_EXECUTION_ENV"] = $"AWS_Lambda_{runtimeId}";
        }

        if (host is { Family: "python", SdkDirectory: { } sdk })
        {
            // boto3 and botocore, as AWS's Python runtimes include them: the bootstrap puts them after the function's
            // code and layers on sys.path, so a function's own boto3 wins, and takes this variable out of os.environ.
            variables[PythonSdkVariable] = sdk;
        }

        // The execution role's temporary credentials, as the session arn:aws:sts::ACCOUNT:assumed-role/ROLE/FUNCTION:
        // calls from the function back to Nimbus are signed with them. They outlast the environment's longest life and
        // die with the server; what the role may do is decided by its policies.
        var session = _credentials.IssueSession(
            FunctionRoleAccess.SessionArn(scope.Account, function.Role, function.Name),
            scope.Account,
            options.MaxLifetime + SessionMargin,
            _time.GetUtcNow());
        variables["AWS_ACCESS_KEY_ID"] = session.AccessKeyId;
        variables["AWS_SECRET_ACCESS_KEY"] = session.SecretAccessKey;
        variables["AWS_SESSION_TOKEN"] = session.SessionToken!; // IssueSession always sets a token.

        if (host.Family != "provided" && variables.TryGetValue("AWS_LAMBDA_EXEC_WRAPPER", out var wrapper) && wrapper.Length > 0)
        {
            // AWS's wrapper scripts: the managed runtime's start command becomes the wrapper's arguments.
            arguments.Insert(0, command);
            command = wrapper;
        }

        var list = new List<KeyValuePair<string, string>>(variables.Count);
        foreach (var pair in variables)
        {
            list.Add(pair);
        }

        return new RuntimeLaunch(command, arguments, taskRoot, list)
        {
            Extensions = ExternalExtensions.Find(hostOptDirectory, opt),
            AccountId = scope.Account,
        };
    }

    /// <summary>The per-major directory AWS searches first in a Node.js layer: nodejs22.x → node22 (node20 for other runtimes).</summary>
    private static string NodeDirectory(string runtimeId)
    {
        if (!runtimeId.StartsWith("nodejs", StringComparison.Ordinal) || runtimeId.IndexOf('.', StringComparison.Ordinal) is not (> 6 and var dot))
        {
            return "node20";
        }

        return "node" + runtimeId[6..dot];
    }

    /// <summary>How much longer than an environment's longest life its credentials stay valid.</summary>
    private static readonly TimeSpan SessionMargin = TimeSpan.FromMinutes(15);
}
