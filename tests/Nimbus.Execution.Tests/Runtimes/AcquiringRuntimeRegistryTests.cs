// SPDX-License-Identifier: Apache-2.0
using Microsoft.Extensions.Logging.Abstractions;
using Nimbus.Core.Runtimes;
using Nimbus.Execution.Runtimes;
using Nimbus.TestKit.Fakes;

namespace Nimbus.Execution.Tests.Runtimes;

/// <summary>Node.js majors the host lacks, fetched from a fake npm registry into a temporary cache.</summary>
public sealed class AcquiringRuntimeRegistryTests : IDisposable
{
    private readonly string _cache = Path.Combine(Path.GetTempPath(), "nimbus-acquire-" + Guid.NewGuid().ToString("N"));
    private readonly FakeNpmRegistry _npm = new();

    public void Dispose()
    {
        _npm.Dispose();
        if (Directory.Exists(_cache))
        {
            Directory.Delete(_cache, recursive: true);
        }
    }

    private AcquiringRuntimeRegistry Registry() => new(
        new FakeRuntimeRegistry("nodejs20.x", "python3.12"),
        new ExecutionOptions { RuntimeCacheDirectory = _cache, NpmRegistry = FakeNpmRegistry.Address },
        NullLogger<AcquiringRuntimeRegistry>.Instance,
        _npm);

    [Fact]
    public async Task AcquireAsync_MajorTheHostLacks_NewestOfThatMajorFetchedOnce()
    {
        _npm.Publish("22.1.0");
        _npm.Publish("22.12.3");
        _npm.Publish("24.0.0");
        var registry = Registry();
        Assert.Null(registry.Find("nodejs22.x"));

        var results = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => registry.AcquireAsync("nodejs22.x", TestContext.Current.CancellationToken).AsTask()));

        Assert.All(results, r => Assert.Equal(Path.Combine(_cache, NpmNodeDistribution.PackageName + "-22.12.3", "bin", "node"), r?.Interpreter));
        Assert.Equal(1, _npm.Downloads);
        Assert.Same(results[0], registry.Find("nodejs22.x"));
        Assert.Equal("v22.12.3", await NpmNodeDistribution.VersionOfAsync(results[0]!.Interpreter!, TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task New_CachedBefore_FoundWithoutTheRegistry()
    {
        _npm.Publish("24.2.0");
        await Registry().AcquireAsync("nodejs24.x", TestContext.Current.CancellationToken);
        _npm.Unreachable = true;

        var restarted = Registry();

        Assert.Equal("nodejs", restarted.Find("nodejs24.x")?.Family);
    }

    [Fact]
    public async Task AcquireAsync_RegistryUnreachable_NullAndLeftOutOfSupported()
    {
        _npm.Unreachable = true;
        var registry = Registry();
        Assert.Contains("nodejs22.x", registry.Supported);

        var acquired = await registry.AcquireAsync("nodejs22.x", TestContext.Current.CancellationToken);

        Assert.Null(acquired);
        Assert.DoesNotContain("nodejs22.x", registry.Supported);
        Assert.Contains("nodejs20.x", registry.Supported);
    }

    [Fact]
    public async Task AcquireAsync_IntegrityMismatch_RefusedAndNothingCached()
    {
        _npm.Publish("22.3.0", corruptIntegrity: true);

        var acquired = await Registry().AcquireAsync("nodejs22.x", TestContext.Current.CancellationToken);

        Assert.Null(acquired);
        Assert.Empty(Directory.GetFileSystemEntries(_cache));
    }

    [Fact]
    public async Task AcquireAsync_NodeOfAnotherVersionInside_Refused()
    {
        _npm.Publish("22.3.0", reports: "20.1.0");

        var acquired = await Registry().AcquireAsync("nodejs22.x", TestContext.Current.CancellationToken);

        Assert.Null(acquired);
        using var http = new HttpClient(_npm, disposeHandler: false);
        Assert.Null(new NpmNodeDistribution(FakeNpmRegistry.Address, _cache, http).FindCached(22));
    }

    [Fact]
    public async Task AcquireAsync_RuntimeOfTheHost_TheHostsWithoutTheRegistry()
    {
        _npm.Unreachable = true;

        var acquired = await Registry().AcquireAsync("nodejs20.x", TestContext.Current.CancellationToken);

        Assert.Equal("/fake/bin/nodejs20.x", acquired?.Interpreter);
        Assert.Null(await Registry().AcquireAsync("ruby3.3", TestContext.Current.CancellationToken));
    }
}
