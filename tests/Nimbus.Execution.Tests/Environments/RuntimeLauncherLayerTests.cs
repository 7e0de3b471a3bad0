// SPDX-License-Identifier: Apache-2.0
using Nimbus.Execution.Environments;
using Nimbus.Execution.Sandboxes;
using Nimbus.TestKit.Fakes;

namespace Nimbus.Execution.Tests.Environments;

/// <summary>Where the runtime finds the layers: /opt in a container, the merged directory in the process sandbox.</summary>
public sealed class RuntimeLauncherLayerTests
{
    private static readonly SandboxPaths s_container = new("/var/task", "/var/runtime", "/tmp");
    private static readonly SandboxPaths s_process = new("/data/code/unpacked/abc", "/srv/runtimes", "/data/run/env/x/tmp", OptDirectory: "/data/code/opt/k");

    [Fact]
    public void Create_Python_LayerPathsUnderOptInAwsOrder()
    {
        var variables = Variables(TestFunctions.Function(runtime: "python3.12"), s_container);

        Assert.Equal("/opt/python/lib/python3.12/site-packages:/opt/python", variables["PYTHONPATH"]);
        Assert.EndsWith(":/opt/bin", variables["PATH"], StringComparison.Ordinal);
        Assert.EndsWith(":/opt/lib", variables["LD_LIBRARY_PATH"], StringComparison.Ordinal);
    }

    [Fact]
    public void Create_ProcessSandbox_PointsEveryLayerPathAtTheMergedDirectory()
    {
        var variables = Variables(TestFunctions.Function(runtime: "python3.12"), s_process);

        Assert.Equal("/data/code/opt/k/python/lib/python3.12/site-packages:/data/code/opt/k/python", variables["PYTHONPATH"]);
        Assert.EndsWith(":/data/code/opt/k/bin", variables["PATH"], StringComparison.Ordinal);
        Assert.EndsWith(":/data/code/opt/k/lib", variables["LD_LIBRARY_PATH"], StringComparison.Ordinal);
        Assert.StartsWith("/data/code/opt/k/nodejs/node20/node_modules:/data/code/opt/k/nodejs/node_modules:", variables["NODE_PATH"], StringComparison.Ordinal);
    }

    [Fact]
    public void Create_Node_NodePathHasTheRuntimesMajorFirst_AndNoPythonPath()
    {
        var variables = Variables(TestFunctions.Function(runtime: "nodejs22.x"), s_container);

        Assert.StartsWith("/opt/nodejs/node22/node_modules:/opt/nodejs/node_modules:", variables["NODE_PATH"], StringComparison.Ordinal);
        Assert.False(variables.ContainsKey("PYTHONPATH"));
    }

    [Fact]
    public void Create_ProvidedWithoutBootstrap_RunsTheLayersBootstrap()
    {
        var launch = new RuntimeLauncher(FakeRuntimeRegistry.Default(), new ExecutionOptions())
            .Create(TestFunctions.Scope, TestFunctions.Function(runtime: "provided.al2023"), "s", "on-demand", s_process with { TaskRoot = "/nonexistent" });

        Assert.Equal("/data/code/opt/k/bootstrap", launch.Command);
    }

    private static Dictionary<string, string> Variables(Nimbus.Core.Functions.FunctionVersion function, SandboxPaths paths) =>
        new RuntimeLauncher(FakeRuntimeRegistry.Default(), new ExecutionOptions())
            .Create(TestFunctions.Scope, function, "2024/01/01/[$LATEST]x", "on-demand", paths)
            .Variables.ToDictionary(v => v.Key, v => v.Value, StringComparer.Ordinal);
}
