// SPDX-License-Identifier: Apache-2.0
using System.Collections.Concurrent;
using System.Text.RegularExpressions;
using Nimbus.Execution.Invocation;

namespace Nimbus.Execution.Tests.Invocation;

/// <summary>
/// Request ids are random version 4 GUIDs in AWS's form (lower case, hyphens), as <see cref="Guid.NewGuid"/> makes, taken
/// from a per-thread batch of random bytes: never the same twice, across batches and threads.
/// </summary>
public sealed partial class RequestIdTests
{
    [Fact]
    public void New_AnyId_IsALowerCaseVersion4GuidWithTheRfcVariant()
    {
        for (var i = 0; i < 1_000; i++)
        {
            var id = RequestId.New().Value;

            Assert.Matches(Version4(), id);
            Assert.Equal(4, RequestId.NewGuid().Version);
            Assert.Equal(0b10, RequestId.NewGuid().Variant >> 2);
        }
    }

    [Fact]
    public void New_ManyBatchesOnFourThreads_AllDistinctAndRandomInEveryFreeBit()
    {
        const int Threads = 4;
        var ids = new ConcurrentDictionary<string, bool>();
        var seen = new ConcurrentBag<(long Ones, long Zeros)>();
        using var together = new Barrier(Threads);
        var threads = new Thread[Threads];
        for (var t = 0; t < Threads; t++)
        {
            threads[t] = new Thread(Run);
            threads[t].Start();
        }

        foreach (var thread in threads)
        {
            thread.Join();
        }

        Assert.Equal(Threads, seen.Count);
        Assert.Equal(Threads * 5_000, ids.Count);

        // Every bit of the last 8 bytes but the variant's two (the top of the first of them) took both values on each
        // thread: a batch left unfilled or cleared before use would show fixed bits.
        foreach (var (ones, zeros) in seen)
        {
            Assert.Equal(~0L, ones | unchecked((long)0xC0UL));
            Assert.Equal(~0L, zeros | unchecked((long)0xC0UL));
        }

        void Run()
        {
            together.SignalAndWait();
            long ones = 0, zeros = 0;
            for (var i = 0; i < 5_000; i++)
            {
                var id = RequestId.New().Value;
                // No assertion on this thread (a failure would end the test host): a repeated id shows in the count.
                ids.TryAdd(id, true);
                var bytes = Convert.FromHexString(id.Replace("-", "", StringComparison.Ordinal));
                var last = BitConverter.ToInt64(bytes, 8);
                ones |= last;
                zeros |= ~last;
            }

            seen.Add((ones, zeros));
        }
    }

    [GeneratedRegex("^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")]
    private static partial Regex Version4();
}
