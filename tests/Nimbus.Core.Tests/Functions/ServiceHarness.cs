// SPDX-License-Identifier: Apache-2.0
using Microsoft.Extensions.Time.Testing;
using Nimbus.Core.Functions;
using Nimbus.Core.Layers;
using Nimbus.TestKit;
using Nimbus.TestKit.Fakes;

namespace Nimbus.Core.Tests.Functions;

/// <summary>The function services (<see cref="FunctionService"/> and its siblings) over in-memory fakes and a fake clock.</summary>
internal sealed class ServiceHarness
{
    public static readonly DateTimeOffset Start = new(2019, 2, 20, 15, 33, 28, 335, TimeSpan.Zero);

    public ServiceHarness(FunctionServiceOptions? options = null, ExecutionRoles? roles = null, ISnapshotBuilder? snapshots = null)
    {
        options ??= new FunctionServiceOptions();
        Layers = new InMemoryLayerStore(Store);
        Resolver = new QualifierResolver(Store);
        Concurrency = new ConcurrencyService(Store, Store, Store, Resolver, Time, options);
        Service = new FunctionService(Store, Store, Layers, Code, Runtimes, Resolver, Concurrency, Time, options, roles, snapshots: snapshots);
        Versions = new VersionService(Service, Store, Concurrency);
        InvokeConfigs = new EventInvokeConfigService(Store, Store, Service, Time);
        LayerService = new LayerService(Layers, Store, Code, Time);
        Policies = new Nimbus.Core.Permissions.FunctionPolicyService(Store, Store, Service);
    }

    public InMemoryStateStore Store { get; } = new();

    public InMemoryLayerStore Layers { get; }

    public LayerService LayerService { get; }

    public InMemoryCodeStore Code { get; } = new();

    public FakeRuntimeRegistry Runtimes { get; } = FakeRuntimeRegistry.Default();

    public FakeTimeProvider Time { get; } = new(Start);

    public QualifierResolver Resolver { get; }

    public ConcurrencyService Concurrency { get; }

    /// <summary>The functions themselves.</summary>
    public FunctionService Service { get; }

    public VersionService Versions { get; }

    public EventInvokeConfigService InvokeConfigs { get; }

    /// <summary>Function policies (AddPermission, RemovePermission, GetPolicy).</summary>
    public Nimbus.Core.Permissions.FunctionPolicyService Policies { get; }

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public static CodeUpload Upload(byte[] zip) => new() { ZipFile = zip };

    public static byte[] Zip(string marker = "v1") => ZipBuilder.PythonEcho(marker);

    public Task<FunctionVersion> CreateAsync(
        string name,
        FunctionChange? change = null,
        byte[]? zip = null,
        IReadOnlyDictionary<string, string>? tags = null) =>
        Service.CreateAsync(TestValues.Scope, name, change ?? TestValues.ValidCreate(), Upload(zip ?? Zip()), tags, publish: false, Ct);

    /// <summary>Creates a function and settles it to Active/Successful.</summary>
    public async Task<FunctionVersion> CreateActiveAsync(string name, FunctionChange? change = null, byte[]? zip = null)
    {
        await CreateAsync(name, change, zip);
        await SettleAsync(name);
        return await LatestAsync(name);
    }

    /// <summary>Publishes a version of a layer of the test scope with a small python module in it.</summary>
    public Task<LayerVersion> PublishLayerAsync(string name, string marker = "layer", Nimbus.Core.Arns.Scope? scope = null) =>
        LayerService.PublishAsync(scope ?? TestValues.Scope, name, new LayerPublish { Content = Upload(ZipBuilder.PythonEcho(marker)) }, Ct);

    public Task SettleAsync(string name) => Service.SettleAsync(new FunctionKey(TestValues.Scope, name), Ct);

    public async Task<FunctionVersion> LatestAsync(string name)
    {
        var record = await Store.GetFunctionAsync(TestValues.Scope, name, Ct);
        Assert.NotNull(record);
        return record.Latest;
    }

    /// <summary>Takes every queued settle request off the channel, in order.</summary>
    public List<FunctionKey> DrainSettling()
    {
        var keys = new List<FunctionKey>();
        while (Service.Settling.TryRead(out var key))
        {
            keys.Add(key);
        }

        return keys;
    }
}
