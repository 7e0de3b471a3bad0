// SPDX-License-Identifier: Apache-2.0
using Nimbus.Core.Arns;
using Nimbus.Core.Functions;
using Nimbus.Core.FunctionUrls;
using Nimbus.Core.Storage;
using Nimbus.Core.Tests.Functions;

namespace Nimbus.Core.Tests.FunctionUrls;

/// <summary>
/// <see cref="FunctionUrlService.FindAsync"/> reads a URL's config once and serves it from memory until a change to
/// any function or URL: never a config older than a change that returned.
/// </summary>
public sealed class FunctionUrlServiceFindTests
{
    private readonly ServiceHarness _harness = new();
    private readonly CountingUrlStore _urls = new();
    private readonly FunctionUrlService _service;

    public FunctionUrlServiceFindTests() => _service = new FunctionUrlService(_harness.Store, _urls, _harness.Service, _harness.Time);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task FindAsync_Again_IsServedWithoutARead()
    {
        var id = await CreateUrlAsync("fn");

        var first = await _service.FindAsync(id, Ct);
        var second = await _service.FindAsync(id, Ct);

        Assert.Equal(1, _urls.Reads);
        Assert.Equal(FunctionUrlConfig.AuthNone, first?.Config.AuthType);
        Assert.Equal(first, second);
    }

    [Fact]
    public async Task FindAsync_AfterUpdate_ReturnsTheNewConfig()
    {
        var id = await CreateUrlAsync("fn");
        await _service.FindAsync(id, Ct);

        await _service.UpdateAsync(TestValues.Scope, "fn", null, new FunctionUrlChange { AuthType = FunctionUrlConfig.AuthIam }, Ct);

        Assert.Equal(FunctionUrlConfig.AuthIam, (await _service.FindAsync(id, Ct))?.Config.AuthType);
    }

    [Fact]
    public async Task FindAsync_AfterDelete_ReturnsNull()
    {
        var id = await CreateUrlAsync("fn");
        await _service.FindAsync(id, Ct);

        await _service.DeleteAsync(TestValues.Scope, "fn", null, Ct);

        Assert.Null(await _service.FindAsync(id, Ct));
    }

    [Fact]
    public async Task FindAsync_AfterTheFunctionWasDeleted_ReturnsNull()
    {
        var id = await CreateUrlAsync("fn");
        await _service.FindAsync(id, Ct);

        // The store deletes a function's URLs with it (SqliteFunctionStore); the service hears of the function only.
        _urls.Remove(id);
        await _harness.Service.DeleteAsync(TestValues.Scope, "fn", null, Ct);

        Assert.Null(await _service.FindAsync(id, Ct));
    }

    [Fact]
    public async Task FindAsync_AfterItsAliasWasDeleted_ReturnsNull()
    {
        await _harness.CreateActiveAsync("fn");
        await _harness.Versions.CreateAliasAsync(TestValues.Scope, "fn", "live", new AliasChange { FunctionVersion = FunctionVersion.Latest }, Ct);
        var config = await _service.CreateAsync(TestValues.Scope, "fn", "live", new FunctionUrlChange { AuthType = FunctionUrlConfig.AuthNone }, Ct);
        await _service.FindAsync(config.UrlId, Ct);

        // The store deletes an alias's URL with it (a trigger in SQLite); the service hears of the alias only.
        _urls.Remove(config.UrlId);
        await _harness.Versions.DeleteAliasAsync(TestValues.Scope, "fn", "live", Ct);

        Assert.Null(await _service.FindAsync(config.UrlId, Ct));
    }

    [Fact]
    public async Task FindAsync_AnotherFunctionChanged_ReadsAgain()
    {
        var id = await CreateUrlAsync("fn");
        await _service.FindAsync(id, Ct);

        await _harness.CreateAsync("other");
        await _service.FindAsync(id, Ct);

        Assert.Equal(2, _urls.Reads);
    }

    [Fact]
    public async Task FindAsync_ChangeWhileReading_WhatWasReadIsNotServedAgain()
    {
        var id = await CreateUrlAsync("fn");
        _urls.DuringRead = async () =>
        {
            _urls.DuringRead = null;
            await _service.UpdateAsync(TestValues.Scope, "fn", null, new FunctionUrlChange { AuthType = FunctionUrlConfig.AuthIam }, Ct);
        };
        var during = await _service.FindAsync(id, Ct);

        var after = await _service.FindAsync(id, Ct);
        await _service.FindAsync(id, Ct);

        Assert.Equal(FunctionUrlConfig.AuthNone, during?.Config.AuthType);
        Assert.Equal(FunctionUrlConfig.AuthIam, after?.Config.AuthType);
        Assert.Equal(2, _urls.Reads);
    }

    [Fact]
    public async Task FindAsync_MalformedId_ReadsNothing()
    {
        Assert.Null(await _service.FindAsync("NOT-AN-ID", Ct));
        Assert.Equal(0, _urls.Reads);
    }

    private async Task<string> CreateUrlAsync(string name)
    {
        await _harness.CreateActiveAsync(name);
        var config = await _service.CreateAsync(TestValues.Scope, name, null, new FunctionUrlChange { AuthType = FunctionUrlConfig.AuthNone }, Ct);
        return config.UrlId;
    }

    /// <summary>URL configs in memory, counting the lookups by id (the one read a URL's requests make).</summary>
    private sealed class CountingUrlStore : IFunctionUrlStore
    {
        private readonly Dictionary<string, (Scope Scope, FunctionUrlConfig Config)> _byId = [];
        private int _reads;

        public int Reads => Volatile.Read(ref _reads);

        public Func<Task>? DuringRead { get; set; }

        public void Remove(string urlId)
        {
            lock (_byId)
            {
                _byId.Remove(urlId);
            }
        }

        public Task<FunctionUrlConfig?> GetFunctionUrlAsync(Scope scope, string functionName, string qualifier, CancellationToken cancellationToken)
        {
            lock (_byId)
            {
                foreach (var (_, (s, config)) in _byId)
                {
                    if (s == scope && config.FunctionName == functionName && config.Qualifier == qualifier)
                    {
                        return Task.FromResult<FunctionUrlConfig?>(config);
                    }
                }
            }

            return Task.FromResult<FunctionUrlConfig?>(null);
        }

        public async Task<(Scope Scope, FunctionUrlConfig Config)?> FindByUrlIdAsync(string urlId, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _reads);
            (Scope Scope, FunctionUrlConfig Config)? found;
            lock (_byId)
            {
                found = _byId.TryGetValue(urlId, out var value) ? value : null;
            }

            if (DuringRead is { } during)
            {
                await during();
            }

            return found;
        }

        public Task<IReadOnlyList<FunctionUrlConfig>> ListFunctionUrlsAsync(Scope scope, string functionName, string? marker, int limit, CancellationToken cancellationToken) =>
            throw new NotSupportedException();

        public Task<bool> TryCreateFunctionUrlAsync(Scope scope, FunctionUrlConfig config, CancellationToken cancellationToken)
        {
            lock (_byId)
            {
                return Task.FromResult(_byId.TryAdd(config.UrlId, (scope, config)));
            }
        }

        public Task<bool> UpdateFunctionUrlAsync(Scope scope, FunctionUrlConfig config, CancellationToken cancellationToken)
        {
            lock (_byId)
            {
                if (!_byId.ContainsKey(config.UrlId))
                {
                    return Task.FromResult(false);
                }

                _byId[config.UrlId] = (scope, config);
                return Task.FromResult(true);
            }
        }

        public Task<bool> DeleteFunctionUrlAsync(Scope scope, string functionName, string qualifier, CancellationToken cancellationToken)
        {
            lock (_byId)
            {
                return Task.FromResult(_byId.Remove(FunctionUrlIds.For(scope.Account, scope.Region, functionName, qualifier)));
            }
        }
    }
}
