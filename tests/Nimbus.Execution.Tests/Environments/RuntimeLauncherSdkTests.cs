// SPDX-License-Identifier: Apache-2.0
using Nimbus.Core.Runtimes;
using Nimbus.Execution.Environments;
using Nimbus.Execution.Sandboxes;
using Nimbus.TestKit.Fakes;

namespace Nimbus.Execution.Tests.Environments;

/// <summary>The AWS SDK for Python every Python runtime gets: named to the bootstrap, bound into sandboxes where needed.</summary>
public sealed class RuntimeLauncherSdkTests
{
    private static readonly SandboxPaths s_container = new("/var/task", "/var/runtime", "/tmp");

    [Fact]
    public void Create_PythonWithSdk_NamesTheSdkDirectoryToTheBootstrap()
    {
        var launcher = Launcher(new HostRuntime("python3.12", "python", "/fake/bin/python3.12", "/fake", "/usr/lib/python3/dist-packages"));

        var variables = Variables(launcher, TestFunctions.Function(runtime: "python3.12"));

        Assert.Equal("/usr/lib/python3/dist-packages", variables["_NIMBUS_PYTHON_SDK"]);
    }

    [Fact]
    public void Create_FunctionSetsTheSdkVariable_ThePlatformsValueWins()
    {
        var launcher = Launcher(new HostRuntime("python3.12", "python", "/fake/bin/python3.12", "/fake", "/usr/lib/python3/dist-packages"));
        var function = TestFunctions.Function(runtime: "python3.12") with
        {
            Environment = new Dictionary<string, string> { ["_NIMBUS_PYTHON_SDK"] = "/var/task/evil" },
        };

        var variables = Variables(launcher, function);

        Assert.Equal("/usr/lib/python3/dist-packages", variables["_NIMBUS_PYTHON_SDK"]);
    }

    [Fact]
    public void Create_PythonWithoutSdk_NoSdkVariable()
    {
        var variables = Variables(Launcher(), TestFunctions.Function(runtime: "python3.12"));

        Assert.False(variables.ContainsKey("_NIMBUS_PYTHON_SDK"));
    }

    [Fact]
    public void Create_NodeOnAHostWithTheSdk_NoSdkVariable()
    {
        var launcher = Launcher(new HostRuntime("nodejs22.x", "nodejs", "/fake/bin/node", "/fake", "/usr/lib/python3/dist-packages"));

        var variables = Variables(launcher, TestFunctions.Function(runtime: "nodejs22.x"));

        Assert.False(variables.ContainsKey("_NIMBUS_PYTHON_SDK"));
    }

    [Fact]
    public void HostDirectories_SdkOutsideUsr_BoundBesideTheInterpreter()
    {
        var launcher = Launcher(new HostRuntime("python3.12", "python", "/root/.pyenv/versions/3.12.1/bin/python3.12", "/root/.pyenv/versions/3.12.1", "/srv/python-sdk"));

        var directories = launcher.HostDirectories(TestFunctions.Function(runtime: "python3.12"));

        Assert.Equal(["/root/.pyenv/versions/3.12.1", "/srv/python-sdk"], directories);
    }

    [Fact]
    public void HostDirectories_SdkUnderUsr_NotBoundAgain()
    {
        var launcher = Launcher(new HostRuntime("python3.12", "python", "/usr/bin/python3.12", "/usr", "/usr/lib/python3/dist-packages"));

        var directories = launcher.HostDirectories(TestFunctions.Function(runtime: "python3.12"));

        Assert.Empty(directories);
    }

    private static RuntimeLauncher Launcher(HostRuntime? runtime = null)
    {
        var registry = FakeRuntimeRegistry.Default();
        if (runtime is not null)
        {
            registry.Install(runtime);
        }

        return new RuntimeLauncher(registry, new ExecutionOptions());
    }

    private static Dictionary<string, string> Variables(RuntimeLauncher launcher, Nimbus.Core.Functions.FunctionVersion function) =>
        launcher.Create(TestFunctions.Scope, function, "2024/01/01/[$LATEST]x", "on-demand", s_container)
            .Variables.ToDictionary(v => v.Key, v => v.Value, StringComparer.Ordinal);
}
