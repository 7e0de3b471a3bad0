// SPDX-License-Identifier: Apache-2.0
using Microsoft.Extensions.Logging.Abstractions;
using Nimbus.Core.Runtimes;
using Nimbus.Execution.Environments;
using Nimbus.Execution.Runtimes;
using Nimbus.Execution.Sandboxes;
using Nimbus.TestKit.Fakes;

namespace Nimbus.Execution.Tests.Environments;

/// <summary>How dotnet8 and dotnet10 start: the runtime client of their framework, or the zip's executable assembly, on their .NET root.</summary>
public sealed class RuntimeLauncherDotnetTests
{
    private static readonly SandboxPaths s_container = new("/var/task", "/var/runtime", "/tmp");

    [Fact]
    public void Create_ClassLibraryHandler_RunsTheRuntimeClientOfItsFrameworkOnItsRoot()
    {
        var launcher = Launcher(new HostRuntime("dotnet10", "dotnet", "/srv/dotnet/dotnet", "/srv/dotnet"));

        var launch = Create(launcher, "dotnet10", "Echo::Echo.Function::Handle");

        Assert.Equal("/srv/dotnet/dotnet", launch.Command);
        Assert.Equal(["/var/runtime/dotnet/net10.0/Nimbus.Lambda.RuntimeSupport.dll"], launch.Arguments);
        var variables = launch.Variables.ToDictionary(v => v.Key, v => v.Value, StringComparer.Ordinal);
        Assert.Equal("/srv/dotnet", variables["DOTNET_ROOT"]);
        Assert.Equal("/opt/dotnetcore/store/", variables["DOTNET_SHARED_STORE"]);
        Assert.Equal("AWS_Lambda_dotnet10", variables["AWS_EXECUTION_ENV"]);
        Assert.StartsWith("/srv/dotnet:", variables["PATH"], StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Bootstrap")]
    [InlineData("Bootstrap.dll")]
    public void Create_HandlerWithoutColons_ExecsTheExecutableAssembly(string handler)
    {
        var launcher = Launcher(new HostRuntime("dotnet10", "dotnet", "/srv/dotnet/dotnet", "/srv/dotnet"));

        var launch = Create(launcher, "dotnet10", handler);

        Assert.Equal("/srv/dotnet/dotnet", launch.Command);
        Assert.Equal(["exec", "/var/task/Bootstrap.dll"], launch.Arguments);
    }

    [Fact]
    public async Task PrepareAsync_RuntimeFromAPack_StartsOnTheMadeRootAndBindsIt()
    {
        var cache = Directory.CreateTempSubdirectory("nimbus-dotnet-pack-").FullName;
        try
        {
            // A root made earlier (its completion marker written): nothing is downloaded again.
            Directory.CreateDirectory(Path.Combine(cache, "dotnet8"));
            await File.WriteAllTextAsync(Path.Combine(cache, "dotnet8", ".complete"), "8.0.1\n", TestContext.Current.CancellationToken);
            using var packs = new DotnetRuntimePack(cache, NullLogger<DotnetRuntimePack>.Instance);
            var launcher = Launcher(new HostRuntime("dotnet8", "dotnet", null, null), packs);
            var function = TestFunctions.Function(runtime: "dotnet8") with { Handler = "Echo::Echo.Function::Handle" };

            await launcher.PrepareAsync(function, TestContext.Current.CancellationToken);

            Assert.Equal([Path.Combine(cache, "dotnet8")], launcher.HostDirectories(function));
            var launch = launcher.Create(TestFunctions.Scope, function, "2024/01/01/[$LATEST]x", "on-demand", s_container);
            Assert.Equal(Path.Combine(cache, "dotnet8", "dotnet"), launch.Command);
            Assert.Equal(["/var/runtime/dotnet/net8.0/Nimbus.Lambda.RuntimeSupport.dll"], launch.Arguments);
        }
        finally
        {
            Directory.Delete(cache, recursive: true);
        }
    }

    [Fact]
    public void Create_RuntimeFromAPackNotPrepared_Refuses()
    {
        var launcher = Launcher(new HostRuntime("dotnet8", "dotnet", null, null));

        var error = Assert.Throws<SandboxStartException>(() => Create(launcher, "dotnet8", "Echo::Echo.Function::Handle"));

        Assert.Equal("the runtime dotnet8 is not available on this host", error.Message);
    }

    private static RuntimeLauncher Launcher(HostRuntime runtime, DotnetRuntimePack? packs = null)
    {
        var registry = FakeRuntimeRegistry.Default();
        registry.Install(runtime);
        return new RuntimeLauncher(registry, new ExecutionOptions(), dotnetPacks: packs);
    }

    private static RuntimeLaunch Create(RuntimeLauncher launcher, string runtime, string handler) =>
        launcher.Create(TestFunctions.Scope, TestFunctions.Function(runtime: runtime) with { Handler = handler }, "2024/01/01/[$LATEST]x", "on-demand", s_container);
}
