// SPDX-License-Identifier: Apache-2.0
using Nimbus.Execution.Environments;
using Nimbus.Execution.Sandboxes;
using Nimbus.TestKit.Fakes;

namespace Nimbus.Execution.Tests.StemCells;

/// <summary>What a stem cell's runtime starts with, and which functions may take one.</summary>
public sealed class StemCellLaunchTests
{
    private static readonly SandboxPaths s_paths = new("/var/task", "/var/runtime", "/tmp");

    private readonly RuntimeLauncher _launcher = new(FakeRuntimeRegistry.Default(), new ExecutionOptions());

    [Fact]
    public void CreateStemCell_Python_RunsTheBootstrapWithNothingOfAnyFunction()
    {
        var launch = _launcher.CreateStemCell("python3.12", s_paths);

        Assert.Equal("/fake/bin/python3.12", launch.Command);
        Assert.Equal(["-u", "/var/runtime/python/launch.py"], launch.Arguments);
        Assert.Equal("/", launch.WorkingDirectory);
        Assert.Equal(["PATH", "LANG", "TZ", "LD_LIBRARY_PATH"], launch.Variables.Select(v => v.Key));
    }

    [Fact]
    public void CreateStemCell_Node_RunsTheIndexModule()
    {
        var launch = _launcher.CreateStemCell("nodejs22.x", s_paths);

        Assert.Equal(["/var/runtime/nodejs/index.cjs"], launch.Arguments);
    }

    [Fact]
    public void CreateStemCell_ProvidedRuntime_Throws()
    {
        Assert.Throws<SandboxStartException>(() => _launcher.CreateStemCell("provided.al2023", s_paths));
    }

    [Theory]
    [InlineData("MY_SETTING", true)]
    [InlineData("PYTHONPATH", true)]
    [InlineData("NODE_PATH", true)]
    [InlineData("PYTHONDONTWRITEBYTECODE", false)]
    [InlineData("NODE_OPTIONS", false)]
    [InlineData("LD_PRELOAD", false)]
    [InlineData("LD_LIBRARY_PATH", false)]
    [InlineData("AWS_LAMBDA_EXEC_WRAPPER", false)]
    public void CanStartStemCell_VariableReadOnlyAtProcessStart_StartsTheUsualWay(string variable, bool expected)
    {
        var function = TestFunctions.Function() with { Environment = new Dictionary<string, string> { [variable] = "x" } };

        Assert.Equal(expected, _launcher.CanStartStemCell(function));
    }

    [Fact]
    public void CanStartStemCell_ProvidedRuntime_IsFalse()
    {
        Assert.False(_launcher.CanStartStemCell(TestFunctions.Function(runtime: "provided.al2023")));
        Assert.True(_launcher.CanStartStemCell(TestFunctions.Function(runtime: "nodejs22.x")));
    }
}
