// SPDX-License-Identifier: Apache-2.0
using System.Globalization;
using Nimbus.Core.Access.Credentials;
using Nimbus.Core.Arns;
using Nimbus.Core.Functions;
using Nimbus.Core.Runtimes;
using Nimbus.Core.Validation;
using Nimbus.Execution.Runtimes;
using Nimbus.Execution.Sandboxes;

namespace Nimbus.Execution.Environments;

/// <summary>
/// How each runtime family starts and the environment variables Lambda gives it
/// (shared/specs/aws-docs/configuration-envvars.md): reserved ones set by the platform, unreserved defaults the
/// function may override, then the function's own variables.
/// </summary>
internal sealed partial class RuntimeLauncher(IRuntimeRegistry runtimes, ExecutionOptions options, CredentialDirectory? credentials = null, TimeProvider? time = null, DotnetRuntimePack? dotnetPacks = null, PythonBytecode? pythonBytecode = null)
{
    /// <summary>Names the Python SDK's host directory to runtimes/python/bootstrap.py (its SDK_VARIABLE).</summary>
    public const string PythonSdkVariable = "_NIMBUS_PYTHON_SDK";

    /// <summary>
    /// What a Python runtime's interpreter runs: launch.py, which runs bootstrap.py from its cached bytecode when the
    /// host wrote it (<see cref="PythonBytecode"/>), as <c>python bootstrap.py</c> would.
    /// </summary>
    public static string PythonEntryPoint(string runtimeDirectory) => Path.Combine(runtimeDirectory, "python", "launch.py");

    // Without the server's directory (unit tests), credentials are still issued, to a directory no API reads.
    private readonly CredentialDirectory _credentials = credentials ?? new CredentialDirectory();
    private readonly TimeProvider _time = time ?? TimeProvider.System;

    /// <summary>The runtime of a .zip function that names none: a custom runtime on Amazon Linux 2023's.</summary>
    public const string DefaultRuntime = "provided.al2023";

    /// <summary>
    /// Host directories the runtime's interpreter needs inside a sandbox, bound read-only at the same path (a pyenv
    /// interpreter finds libpython through an RPATH under its own version directory; the Python SDK's directory).
    /// </summary>
    public IReadOnlyList<string> HostDirectories(FunctionVersion function) => HostDirectories(function.Runtime ?? DefaultRuntime);

    /// <summary>The runtime's interpreter on the host (a Python's python3.x), or null when it has none.</summary>
    public string? Interpreter(FunctionVersion function) => function.Runtime is { } runtime ? runtimes.Find(runtime)?.Interpreter : null;

    /// <summary>The same, by runtime id (a stem cell knows its runtime before its function).</summary>
    public IReadOnlyList<string> HostDirectories(string runtimeId)
    {
        if (runtimes.Find(runtimeId) is not { } host)
        {
            return [];
        }

        List<string> directories = [];
        foreach (var directory in (ReadOnlySpan<string?>)[host.InterpreterHome ?? _acquired.GetValueOrDefault(host.Id), host.SdkDirectory, JavaConfigDirectory(host)])
        {
            if (directory is not null && !IsSystemDirectory(directory))
            {
                directories.Add(directory);
            }
        }

        return directories;
    }

    /// <summary>
    /// Makes the function's runtime runnable here before an environment of it starts (a Node.js fetched on first use,
    /// Java's runtime client compiled); false when it cannot be provided.
    /// </summary>
    public async ValueTask<bool> PrepareAsync(FunctionVersion function, CancellationToken cancellationToken)
    {
        if (await runtimes.AcquireAsync(function.Runtime ?? DefaultRuntime, cancellationToken) is not { } host)
        {
            return false;
        }

        if (host is { Family: "python", Interpreter: { } python } && options.RuntimeDirectory is { } runtimeDirectory)
        {
            pythonBytecode?.Ensure(host.Id, python, runtimeDirectory);
        }

        // A .NET runtime the host acquires on first use (dotnet8 from NuGet's runtime pack) has no interpreter of its own.
        if (host is { Family: DotnetHost.Family, Interpreter: null } && !_acquired.ContainsKey(host.Id))
        {
            await AcquireDotnetAsync(host.Id, cancellationToken);
        }

        return true;
    }

    /// <summary>Debian's JDK links its jvm.cfg and security files to /etc/java-N-openjdk: the JVM does not start without them.</summary>
    private static string? JavaConfigDirectory(HostRuntime host)
    {
        if (host is not { Family: "java", InterpreterHome: { } home }
            || new FileInfo(Path.Combine(home, "lib", "jvm.cfg")).LinkTarget is not { } target
            || !target.StartsWith("/etc/", StringComparison.Ordinal))
        {
            return null;
        }

        var second = target.IndexOf('/', "/etc/".Length);
        return second < 0 ? null : target[..second];
    }

    /// <summary>.NET roots made on first use (dotnet8 from NuGet's runtime pack), by runtime id.</summary>
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, string> _acquired = new(StringComparer.Ordinal);

    private async ValueTask AcquireDotnetAsync(string runtimeId, CancellationToken cancellationToken)
    {
        var packs = dotnetPacks ?? throw new SandboxStartException($"the runtime {runtimeId} is not available on this host");
        _acquired[runtimeId] = await packs.EnsureAsync(DotnetHost.MajorOf(runtimeId), cancellationToken);
    }

    /// <summary>/usr is in every sandbox already.</summary>
    private static bool IsSystemDirectory(string path) =>
        path is "/" or "/usr" || path.StartsWith("/usr/", StringComparison.Ordinal);

    /// <summary>
    /// True for the runtimes a stem cell can hold: the managed runtimes whose client is ours (python, nodejs), whose
    /// interpreter can start before the function is known.
    /// </summary>
    public bool CanStartStemCell(string runtimeId) =>
        runtimes.Find(runtimeId) is { Family: "python" or "nodejs", Interpreter: not null };

    /// <summary>
    /// True for the runtimes a sandbox cell can be made for: every runtime of a .zip function this host has. A sandbox
    /// cell binds the runtime's host directories when it is made; <see cref="HostDirectories(FunctionVersion)"/> after
    /// <see cref="PrepareAsync"/> says whether they are still the function's (a runtime fetched or acquired since).
    /// </summary>
    public bool CanStartSandboxCell(string runtimeId) => runtimes.Find(runtimeId) is not null;

    /// <summary>
    /// True when <paramref name="function"/> can take a stem cell of its runtime: none of its variables is one the
    /// dynamic loader or the interpreter reads only when the process starts (LD_PRELOAD, LD_LIBRARY_PATH, PYTHON* but
    /// PYTHONPATH, NODE_OPTIONS and the like, AWS_LAMBDA_EXEC_WRAPPER), which a cell, started before its function was
    /// known, could not honour. PYTHONPATH and NODE_PATH are applied at specialization.
    /// </summary>
    public bool CanStartStemCell(FunctionVersion function)
    {
        if (function.Runtime is not { } runtimeId || !CanStartStemCell(runtimeId))
        {
            return false;
        }

        if (function.Environment is { } own)
        {
            foreach (var name in own.Keys)
            {
                if (name is "LD_PRELOAD" or "LD_LIBRARY_PATH" or "AWS_LAMBDA_EXEC_WRAPPER"
                    || (name.StartsWith("PYTHON", StringComparison.Ordinal) && name != "PYTHONPATH")
                    || (name.StartsWith("NODE_", StringComparison.Ordinal) && name != "NODE_PATH"))
                {
                    return false;
                }
            }
        }

        return true;
    }

    /// <summary>
    /// A stem cell's runtime: the interpreter with our runtime client loaded, waiting for its function. It gets only
    /// what every function of the runtime shares; the function's own environment comes at specialization
    /// (<see cref="Create"/>'s variables), replacing this one entirely.
    /// </summary>
    public RuntimeLaunch CreateStemCell(string runtimeId, SandboxPaths paths)
    {
        var host = runtimes.Find(runtimeId) is { Family: "python" or "nodejs", Interpreter: { } interpreter } found
            ? (found, interpreter)
            : throw new SandboxStartException($"the runtime {runtimeId} cannot start as a stem cell");
        if (host.found.Family == "python" && options.RuntimeDirectory is { } runtimeDirectory)
        {
            pythonBytecode?.Ensure(runtimeId, host.interpreter, runtimeDirectory);
        }

        List<string> arguments = host.found.Family == "python"
            ? ["-u", PythonEntryPoint(paths.RuntimeDirectory)]
            : [Path.Combine(paths.RuntimeDirectory, "nodejs", "index.cjs")];
        List<KeyValuePair<string, string>> variables =
        [
            new("PATH", $"{Path.GetDirectoryName(host.interpreter)}:/usr/local/bin:/usr/bin:/bin"),
            new("LANG", "en_US.UTF-8"),
            new("TZ", ":UTC"),
            new("LD_LIBRARY_PATH", $"/lib64:/usr/lib64:{paths.RuntimeDirectory}:{paths.RuntimeDirectory}/lib:{paths.TaskRoot}:{paths.TaskRoot}/lib:{paths.OptDirectory}/lib"),
        ];
        return new RuntimeLaunch(host.interpreter, arguments, "/", variables) { DirectRuntimeApi = options.DirectRuntimeApi };
    }

    public RuntimeLaunch Create(Scope scope, FunctionVersion function, string logStreamName, string initializationType, SandboxPaths paths, string? hostCodeDirectory = null, string? hostOptDirectory = null)
    {
        if (function.Image is { } image)
        {
            return CreateForImage(scope, function, image, logStreamName, initializationType, hostCodeDirectory);
        }

        var runtimeId = function.Runtime ?? DefaultRuntime;
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
                arguments.Add(PythonEntryPoint(runtimeDir));
                pathPrefix = Path.GetDirectoryName(command) + ":";
                break;
            case "nodejs":
                command = host.Interpreter!; // Node.js runtimes always have an interpreter.
                arguments.Add(Path.Combine(runtimeDir, "nodejs", "index.cjs"));
                pathPrefix = Path.GetDirectoryName(command) + ":";
                break;
            case "java":
                command = host.Interpreter!; // A JDK runtime always has its java.
                JavaLaunch.AddArguments(
                    arguments,
                    function.MemorySize,
                    function.Environment?.GetValueOrDefault("JAVA_TOOL_OPTIONS"),
                    host.SdkDirectory ?? throw new SandboxStartException("the Java runtime client is not compiled"),
                    opt);
                pathPrefix = Path.GetDirectoryName(command) + ":";
                break;
            case DotnetHost.Family:
                (command, pathPrefix) = Dotnet(host, function.Handler ?? "", runtimeDir, taskRoot, arguments);
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

        if (host.Family == DotnetHost.Family)
        {
            variables["DOTNET_ROOT"] = pathPrefix.TrimEnd(':');
            // A layer's runtime package store (dotnet lambda publish-layer), where AWS's .NET runtimes look for it.
            variables["DOTNET_SHARED_STORE"] = $"{opt}/dotnetcore/store/";
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
            DirectRuntimeApi = options.DirectRuntimeApi,
            Extensions = ExternalExtensions.Find(hostOptDirectory, opt),
            AccountId = scope.Account,
        };
    }

    /// <summary>
    /// The dotnet muxer of the runtime's .NET root and what it runs: Nimbus's runtime client for a class library's
    /// <c>Assembly::Type::Method</c> handler, or for a handler without <c>::</c> the function's own executable assembly
    /// (<c>dotnet exec /var/task/&lt;handler&gt;.dll</c>: top-level statements with their own runtime loop), as AWS's
    /// .NET runtimes do.
    /// </summary>
    private (string Command, string PathPrefix) Dotnet(HostRuntime host, string handler, string runtimeDir, string taskRoot, List<string> arguments)
    {
        var root = host.InterpreterHome ?? _acquired.GetValueOrDefault(host.Id)
            ?? throw new SandboxStartException($"the runtime {host.Id} is not available on this host");
        if (handler.Contains("::", StringComparison.Ordinal))
        {
            arguments.Add(Path.Combine(DotnetHost.ClientDirectory(runtimeDir, DotnetHost.MajorOf(host.Id)), "Nimbus.Lambda.RuntimeSupport.dll"));
        }
        else
        {
            arguments.Add("exec");
            arguments.Add(Path.Combine(taskRoot, handler.EndsWith(".dll", StringComparison.Ordinal) ? handler : handler + ".dll"));
        }

        return (Path.Combine(root, "dotnet"), root + ":");
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
