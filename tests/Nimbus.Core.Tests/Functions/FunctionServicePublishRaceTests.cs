// SPDX-License-Identifier: Apache-2.0
using Nimbus.Core.Functions;

namespace Nimbus.Core.Tests.Functions;

/// <summary>
/// Publish=true beside a settle step that runs on its own, as the server's settler does: the settle finishing between
/// the commit of $LATEST and the publish must not turn the publish into "An update is in progress" (issue #17, item 1).
/// </summary>
public sealed class FunctionServicePublishRaceTests
{
    private const int Functions = 8;
    private const int Rounds = 100;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task UpdateCodeAsync_PublishWhileSettlerRuns_AlwaysPublishes()
    {
        var harness = new ServiceHarness();
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        var settler = SettleUntilStoppedAsync(harness, stop.Token);
        try
        {
            var names = new string[Functions];
            for (var i = 0; i < Functions; i++)
            {
                names[i] = $"fn{i}";
                await harness.CreateAsync(names[i]);
            }

            var runs = new Task<List<string>>[Functions];
            for (var i = 0; i < Functions; i++)
            {
                var name = names[i];
                runs[i] = Task.Run(() => UpdateAndPublishAsync(harness, name), Ct);
            }

            for (var i = 0; i < Functions; i++)
            {
                var versions = await runs[i];
                Assert.Equal(Rounds, versions.Count);
                for (var round = 0; round < Rounds; round++)
                {
                    Assert.Equal((round + 1).ToString(System.Globalization.CultureInfo.InvariantCulture), versions[round]);
                }
            }
        }
        finally
        {
            await stop.CancelAsync();
            await settler;
        }
    }

    [Fact]
    public async Task CreateAsync_PublishWhileSettlerRuns_AlwaysPublishesVersionOne()
    {
        var harness = new ServiceHarness();
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        var settler = SettleUntilStoppedAsync(harness, stop.Token);
        try
        {
            var creates = new Task<FunctionVersion>[Functions * 4];
            for (var i = 0; i < creates.Length; i++)
            {
                var name = $"created{i}";
                creates[i] = Task.Run(
                    () => harness.Service.CreateAsync(TestValues.Scope, name, TestValues.ValidCreate(), ServiceHarness.Upload(ServiceHarness.Zip(name)), null, publish: true, Ct),
                    Ct);
            }

            foreach (var create in creates)
            {
                Assert.Equal("1", (await create).Version);
            }
        }
        finally
        {
            await stop.CancelAsync();
            await settler;
        }
    }

    /// <summary>Each round: wait until $LATEST has settled (as a client's waiter does), then update the code with Publish=true.</summary>
    private static async Task<List<string>> UpdateAndPublishAsync(ServiceHarness harness, string name)
    {
        var versions = new List<string>(Rounds);
        for (var round = 0; round < Rounds; round++)
        {
            while ((await harness.LatestAsync(name)).IsSettling)
            {
                await Task.Yield();
            }

            var zip = ServiceHarness.Zip($"{name}-{round}");
            var version = await harness.Service.UpdateCodeAsync(TestValues.Scope, name, ServiceHarness.Upload(zip), null, null, dryRun: false, publish: true, Ct);
            versions.Add(version.Version);
        }

        return versions;
    }

    /// <summary>Settles whatever is queued, on the thread pool, until stopped: the server's settler in miniature.</summary>
    private static Task SettleUntilStoppedAsync(ServiceHarness harness, CancellationToken cancellationToken) =>
        Task.Run(
            async () =>
            {
                try
                {
                    await foreach (var key in harness.Service.Settling.ReadAllAsync(cancellationToken))
                    {
                        await harness.Service.SettleAsync(key, cancellationToken);
                    }
                }
                catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
                {
                }
            },
            CancellationToken.None);
}
