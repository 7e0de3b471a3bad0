// SPDX-License-Identifier: Apache-2.0
using Nimbus.Core.Functions;
using Nimbus.Execution.Environments;
using Nimbus.Execution.Sandboxes;
using Nimbus.TestKit.Fakes;

namespace Nimbus.Execution.Tests.Environments;

public sealed class RuntimeLauncherTests
{
    private const string Stream = "2025/03/04/[$LATEST]0123456789abcdef0123456789abcdef";

    private static readonly SandboxPaths s_containerPaths = new("/var/task", "/var/runtime", "/tmp");

    [Fact]
    public void Create_Python_RunsTheBootstrapUnbuffered()
    {
        var launch = Launch(TestFunctions.Function(runtime: "python3.12"));

        Assert.Equal("/fake/bin/python3.12", launch.Command);
        Assert.Equal(["-u", "/var/runtime/python/launch.py"], launch.Arguments);
        Assert.Equal("/var/task", launch.WorkingDirectory);
    }

    [Fact]
    public void Create_Node_RunsTheIndexModule()
    {
        var launch = Launch(TestFunctions.Function(runtime: "nodejs22.x"));

        Assert.Equal("/fake/bin/nodejs22.x", launch.Command);
        Assert.Equal(["/var/runtime/nodejs/index.cjs"], launch.Arguments);
        Assert.Equal("/var/task", launch.WorkingDirectory);
    }

    [Fact]
    public void Create_ProvidedWithBootstrapInCode_RunsIt()
    {
        var code = Directory.CreateTempSubdirectory("nimbus-code-");
        try
        {
            File.WriteAllText(Path.Combine(code.FullName, "bootstrap"), "#!/bin/sh\n");
            var paths = new SandboxPaths(code.FullName, "/var/runtime", "/tmp");

            var launch = Launch(TestFunctions.Function(runtime: "provided.al2023"), paths: paths);

            Assert.Equal(Path.Combine(code.FullName, "bootstrap"), launch.Command);
            Assert.Empty(launch.Arguments);
            Assert.Equal(code.FullName, launch.WorkingDirectory);
        }
        finally
        {
            code.Delete(recursive: true);
        }
    }

    [Fact]
    public void Create_ProvidedWithoutBootstrapInCode_RunsOptBootstrap()
    {
        var launch = Launch(TestFunctions.Function(runtime: "provided.al2023"), paths: new SandboxPaths("/nonexistent/task", "/var/runtime", "/tmp"));

        Assert.Equal("/opt/bootstrap", launch.Command);
        Assert.Empty(launch.Arguments);
    }

    [Fact]
    public void Create_RuntimeNotOnHost_ThrowsSandboxStartException()
    {
        var registry = FakeRuntimeRegistry.Default();
        registry.Uninstall("python3.12");
        var launcher = new RuntimeLauncher(registry, new ExecutionOptions());

        var error = Assert.Throws<SandboxStartException>(() =>
            launcher.Create(TestFunctions.Scope, TestFunctions.Function(), Stream, "on-demand", s_containerPaths));

        Assert.Contains("python3.12", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Create_Python_SetsReservedVariables()
    {
        var function = TestFunctions.Function(runtime: "python3.12") with { MemorySize = 256 };

        var variables = Variables(Launch(function));

        Assert.Equal("app.handler", variables["_HANDLER"]);
        Assert.Equal(TestFunctions.Region, variables["AWS_REGION"]);
        Assert.Equal(TestFunctions.Region, variables["AWS_DEFAULT_REGION"]);
        Assert.Equal("my-function", variables["AWS_LAMBDA_FUNCTION_NAME"]);
        Assert.Equal("$LATEST", variables["AWS_LAMBDA_FUNCTION_VERSION"]);
        Assert.Equal("256", variables["AWS_LAMBDA_FUNCTION_MEMORY_SIZE"]);
        Assert.Equal("/aws/lambda/my-function", variables["AWS_LAMBDA_LOG_GROUP_NAME"]);
        Assert.Equal(Stream, variables["AWS_LAMBDA_LOG_STREAM_NAME"]);
        Assert.Equal("on-demand", variables["AWS_LAMBDA_INITIALIZATION_TYPE"]);
        Assert.Equal("/var/task", variables["LAMBDA_TASK_ROOT"]);
        Assert.Equal("/var/runtime", variables["LAMBDA_RUNTIME_DIR"]);
        Assert.Equal("AWS_Lambda_python3.12", variables["AWS_EXECUTION_ENV"]);
        Assert.Matches("^ASIA[A-Z2-7]{16}$", variables["AWS_ACCESS_KEY_ID"]);
        Assert.Equal(40, variables["AWS_SECRET_ACCESS_KEY"].Length);
        Assert.StartsWith("NimbusSession", variables["AWS_SESSION_TOKEN"], StringComparison.Ordinal);
    }

    [Fact]
    public void Create_Node_SetsExecutionEnvironment()
    {
        var variables = Variables(Launch(TestFunctions.Function(runtime: "nodejs22.x")));

        Assert.Equal("AWS_Lambda_nodejs22.x", variables["AWS_EXECUTION_ENV"]);
    }

    [Fact]
    public void Create_Provided_HasNoExecutionEnvironment()
    {
        var variables = Variables(Launch(TestFunctions.Function(runtime: "provided.al2023")));

        Assert.False(variables.ContainsKey("AWS_EXECUTION_ENV"));
        Assert.Equal("provided-fn", Variables(Launch(TestFunctions.Function("provided-fn", "provided.al2023")))["AWS_LAMBDA_FUNCTION_NAME"]);
    }

    [Fact]
    public void Create_NoRuntime_RunsAsProvidedAl2023()
    {
        var registry = FakeRuntimeRegistry.Default();
        var launcher = new RuntimeLauncher(registry, new ExecutionOptions());

        var launch = launcher.Create(TestFunctions.Scope, TestFunctions.Function() with { Runtime = null }, Stream, "on-demand", s_containerPaths);

        Assert.Equal(["provided.al2023"], registry.Lookups);
        Assert.Equal("/opt/bootstrap", launch.Command);
    }

    [Fact]
    public void Create_Python_SetsUnreservedDefaults()
    {
        var variables = Variables(Launch(TestFunctions.Function(runtime: "python3.12")));

        Assert.Equal("/fake/bin:/usr/local/bin:/usr/bin:/bin:/opt/bin", variables["PATH"]);
        Assert.Equal("en_US.UTF-8", variables["LANG"]);
        Assert.Equal(":UTC", variables["TZ"]);
        Assert.Equal("/lib64:/usr/lib64:/var/runtime:/var/runtime/lib:/var/task:/var/task/lib:/opt/lib", variables["LD_LIBRARY_PATH"]);
        Assert.Equal("LOG_ERROR", variables["AWS_XRAY_CONTEXT_MISSING"]);
        Assert.Equal("169.254.79.129:2000", variables["AWS_XRAY_DAEMON_ADDRESS"]);
        Assert.Equal("Text", variables["AWS_LAMBDA_LOG_FORMAT"]);
        Assert.False(variables.ContainsKey("AWS_LAMBDA_LOG_LEVEL"));
    }

    [Fact]
    public void Create_Provided_PathHasNoInterpreterDirectory()
    {
        var variables = Variables(Launch(TestFunctions.Function(runtime: "provided.al2023")));

        Assert.Equal("/usr/local/bin:/usr/bin:/bin:/opt/bin", variables["PATH"]);
    }

    [Fact]
    public void Create_JsonLoggingWithLevel_SetsFormatAndLevel()
    {
        var function = TestFunctions.Function() with
        {
            Logging = new LoggingSettings { LogGroup = "/aws/lambda/my-function", LogFormat = "JSON", ApplicationLogLevel = "DEBUG" },
        };

        var variables = Variables(Launch(function));

        Assert.Equal("JSON", variables["AWS_LAMBDA_LOG_FORMAT"]);
        Assert.Equal("DEBUG", variables["AWS_LAMBDA_LOG_LEVEL"]);
    }

    [Fact]
    public void Create_FunctionVariables_OverrideUnreservedDefaults()
    {
        var function = TestFunctions.Function() with
        {
            Environment = new Dictionary<string, string>
            {
                ["PATH"] = "/my/bin",
                ["TZ"] = "Europe/Berlin",
                ["LANG"] = "de_DE.UTF-8",
                ["LD_LIBRARY_PATH"] = "/my/lib",
                ["AWS_XRAY_CONTEXT_MISSING"] = "IGNORE_ERROR",
                ["BUCKET"] = "my-bucket",
            },
        };

        var variables = Variables(Launch(function));

        Assert.Equal("/my/bin", variables["PATH"]);
        Assert.Equal("Europe/Berlin", variables["TZ"]);
        Assert.Equal("de_DE.UTF-8", variables["LANG"]);
        Assert.Equal("/my/lib", variables["LD_LIBRARY_PATH"]);
        Assert.Equal("IGNORE_ERROR", variables["AWS_XRAY_CONTEXT_MISSING"]);
        Assert.Equal("my-bucket", variables["BUCKET"]);
    }

    [Theory]
    [InlineData("_HANDLER")]
    [InlineData("AWS_REGION")]
    [InlineData("AWS_DEFAULT_REGION")]
    [InlineData("AWS_EXECUTION_ENV")]
    [InlineData("AWS_LAMBDA_FUNCTION_NAME")]
    [InlineData("AWS_LAMBDA_FUNCTION_VERSION")]
    [InlineData("AWS_LAMBDA_FUNCTION_MEMORY_SIZE")]
    [InlineData("AWS_LAMBDA_LOG_GROUP_NAME")]
    [InlineData("AWS_LAMBDA_LOG_STREAM_NAME")]
    [InlineData("AWS_LAMBDA_INITIALIZATION_TYPE")]
    [InlineData("LAMBDA_TASK_ROOT")]
    [InlineData("LAMBDA_RUNTIME_DIR")]
    public void Create_FunctionVariableWithReservedName_KeepsPlatformValue(string name)
    {
        // Core validation refuses reserved keys at the API; the launcher still sets the platform's values last.
        var platform = Variables(Launch(TestFunctions.Function()))[name];
        var function = TestFunctions.Function() with { Environment = new Dictionary<string, string> { [name] = "from-function" } };

        var variables = Variables(Launch(function));

        Assert.Equal(platform, variables[name]);
    }

    [Theory]
    [InlineData("AWS_ACCESS_KEY_ID")]
    [InlineData("AWS_SECRET_ACCESS_KEY")]
    [InlineData("AWS_SESSION_TOKEN")]
    public void Create_FunctionVariableNamedLikeCredentials_GetsTheSessionsOwn(string name)
    {
        // Each environment gets credentials of its own, so the value differs per launch: never the function's.
        var function = TestFunctions.Function() with { Environment = new Dictionary<string, string> { [name] = "from-function" } };

        var variables = Variables(Launch(function));

        Assert.NotEqual("from-function", variables[name]);
        Assert.Matches("^ASIA[A-Z2-7]{16}$", variables["AWS_ACCESS_KEY_ID"]);
    }

    [Theory]
    [InlineData("provided.al2023", "AWS_EXECUTION_ENV")]
    [InlineData("python3.12", "AWS_ACCESS_KEY")]
    [InlineData("python3.12", "_X_AMZN_TRACE_ID")]
    public void Create_FunctionVariableWithReservedNameThePlatformDoesNotSet_IsDropped(string runtime, string name)
    {
        var function = TestFunctions.Function(runtime: runtime) with { Environment = new Dictionary<string, string> { [name] = "from-function" } };

        var variables = Variables(Launch(function));

        Assert.False(variables.ContainsKey(name));
    }

    [Fact]
    public void Create_PrivateTempDirectory_SetsTmpDir()
    {
        var variables = Variables(Launch(TestFunctions.Function(), paths: new SandboxPaths("/code", "/runtimes", "/srv/nimbus/run/env/abc/tmp")));

        Assert.Equal("/srv/nimbus/run/env/abc/tmp", variables["TMPDIR"]);
    }

    [Fact]
    public void Create_TempDirectoryIsTmp_HasNoTmpDir()
    {
        var variables = Variables(Launch(TestFunctions.Function()));

        Assert.False(variables.ContainsKey("TMPDIR"));
    }

    [Fact]
    public void Create_PlatformEndpoint_SetsEndpointUrl()
    {
        var options = new ExecutionOptions { PlatformEndpoint = "http://127.0.0.1:9000" };

        var variables = Variables(Launch(TestFunctions.Function(), options));

        Assert.Equal("http://127.0.0.1:9000", variables["AWS_ENDPOINT_URL"]);
    }

    [Fact]
    public void Create_NoPlatformEndpoint_HasNoEndpointUrl()
    {
        var variables = Variables(Launch(TestFunctions.Function()));

        Assert.False(variables.ContainsKey("AWS_ENDPOINT_URL"));
    }

    [Fact]
    public void Create_AnyFunction_NamesEachVariableOnce()
    {
        var function = TestFunctions.Function() with { Environment = new Dictionary<string, string> { ["PATH"] = "/x", ["A"] = "b" } };

        var launch = Launch(function);

        Assert.Equal(launch.Variables.Count, launch.Variables.Select(v => v.Key).Distinct(StringComparer.Ordinal).Count());
    }

    [Fact]
    public void Create_DifferentRoles_GiveDifferentCredentials()
    {
        var first = Variables(Launch(TestFunctions.Function()));
        var second = Variables(Launch(TestFunctions.Function() with { Role = "arn:aws:iam::123456789012:role/other" }));

        Assert.NotEqual(first["AWS_ACCESS_KEY_ID"], second["AWS_ACCESS_KEY_ID"]);
        Assert.NotEqual(first["AWS_SECRET_ACCESS_KEY"], second["AWS_SECRET_ACCESS_KEY"]);
    }

    private static RuntimeLaunch Launch(FunctionVersion function, ExecutionOptions? options = null, SandboxPaths? paths = null) =>
        new RuntimeLauncher(FakeRuntimeRegistry.Default(), options ?? new ExecutionOptions())
            .Create(TestFunctions.Scope, function, Stream, "on-demand", paths ?? s_containerPaths);

    private static Dictionary<string, string> Variables(RuntimeLaunch launch) =>
        launch.Variables.ToDictionary(v => v.Key, v => v.Value, StringComparer.Ordinal);
}
