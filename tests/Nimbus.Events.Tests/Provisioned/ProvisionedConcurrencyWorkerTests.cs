// SPDX-License-Identifier: Apache-2.0
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Nimbus.Core.Arns;
using Nimbus.Core.Functions;
using Nimbus.Events.Provisioned;
using Nimbus.Events.Tests.Support;
using Nimbus.TestKit;
using Nimbus.TestKit.Fakes;

namespace Nimbus.Events.Tests.Provisioned;

public sealed class ProvisionedConcurrencyWorkerTests : IAsyncDisposable
{
    private static readonly Scope Scope = new("000000000000", "us-east-1");
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 27, 10, 0, 0, TimeSpan.Zero));
    private readonly FunctionService _functions;
    private readonly ConcurrencyService _concurrency;
    private readonly FakeProvisionedEnvironments _environments = new();
    private readonly ProvisionedConcurrencyWorker _worker;

    public ProvisionedConcurrencyWorkerTests()
    {
        var store = new InMemoryStateStore();
        var options = new FunctionServiceOptions();
        var resolver = new QualifierResolver(store);
        _concurrency = new ConcurrencyService(store, store, store, resolver, _time, options);
        _functions = new FunctionService(store, store, new InMemoryLayerStore(), new InMemoryCodeStore(), FakeRuntimeRegistry.Default(), resolver, _concurrency, _time, options);
        _worker = new ProvisionedConcurrencyWorker(_functions, _concurrency, _environments, _time, NullLogger<ProvisionedConcurrencyWorker>.Instance);
    }

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask DisposeAsync()
    {
        await _worker.StopAsync(CancellationToken.None);
        _worker.Dispose();
        _functions.Dispose();
    }

    private async Task PublishedAsync(string name)
    {
        var change = new FunctionChange { Runtime = "python3.12", Role = "arn:aws:iam::000000000000:role/r", Handler = "app.handler" };
        await _functions.CreateAsync(Scope, name, change, new CodeUpload { ZipFile = ZipBuilder.PythonEcho() }, null, publish: true, Ct);
        await _functions.SettleAsync(new FunctionKey(Scope, name), Ct);
    }

    private async Task<ProvisionedConcurrencyConfig> StatusWhenAsync(string name, Func<ProvisionedConcurrencyConfig, bool> condition)
    {
        using var failSafe = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        failSafe.CancelAfter(TimeSpan.FromSeconds(30));
        while (true)
        {
            var config = await _concurrency.GetProvisionedConcurrencyAsync(Scope, name, "1", failSafe.Token);
            if (condition(config))
            {
                return config;
            }

            // The worker's next round is due on the clock (250 ms).
            _time.Advance(TimeSpan.FromMilliseconds(250));
            await Task.Delay(5, failSafe.Token);
        }
    }

    [Fact]
    public async Task Worker_ConfigPut_KeepsThatManyAndReportsReady()
    {
        await PublishedAsync("warm");
        await _concurrency.PutProvisionedConcurrencyAsync(Scope, "warm", "1", 3, Ct);

        await _worker.StartAsync(Ct);
        var config = await StatusWhenAsync("warm", c => c.Status == ProvisionedConcurrencyConfig.Ready);

        Assert.Equal((3, 3, 3), (config.Requested, config.Allocated, config.Available));
        Assert.Null(config.StatusReason);
        Assert.Equal(3, _environments.Sets["000000000000:us-east-1:warm:1"]);
    }

    [Fact]
    public async Task Worker_InitFails_FailedWithAwsReasonAndNotRetriedUntilPutAgain()
    {
        await PublishedAsync("broken");
        await _concurrency.PutProvisionedConcurrencyAsync(Scope, "broken", "1", 2, Ct);
        _environments.InitFails = true;

        await _worker.StartAsync(Ct);
        var config = await StatusWhenAsync("broken", c => c.Status == ProvisionedConcurrencyConfig.Failed);
        var attempts = _environments.EnsureCalls;
        _time.Advance(TimeSpan.FromSeconds(10));
        await StatusWhenAsync("broken", c => c.Status == ProvisionedConcurrencyConfig.Failed);

        Assert.Equal(ProvisionedConcurrencyConfig.InitFailure, config.StatusReason);
        Assert.Equal(attempts, _environments.EnsureCalls);
        Assert.Empty(_environments.ProvisionedKeys);
    }

    [Fact]
    public async Task Worker_ConfigDeleted_ReleasesItsEnvironments()
    {
        await PublishedAsync("gone");
        await _concurrency.PutProvisionedConcurrencyAsync(Scope, "gone", "1", 1, Ct);
        await _worker.StartAsync(Ct);
        await StatusWhenAsync("gone", c => c.Status == ProvisionedConcurrencyConfig.Ready);

        await _concurrency.DeleteProvisionedConcurrencyAsync(Scope, "gone", "1", Ct);
        using var failSafe = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        failSafe.CancelAfter(TimeSpan.FromSeconds(30));
        while (_environments.ProvisionedKeys.Count > 0)
        {
            _time.Advance(TimeSpan.FromMilliseconds(250));
            await Task.Delay(5, failSafe.Token);
        }

        Assert.Empty(_environments.Sets);
    }
}
