// SPDX-License-Identifier: Apache-2.0
using Microsoft.Extensions.Time.Testing;
using Nimbus.Core.Arns;
using Nimbus.Core.Functions;
using Nimbus.Execution.Concurrency;

namespace Nimbus.Execution.Tests.Concurrency;

public sealed class ConcurrencyGateTests : IDisposable
{
    private static readonly Scope Scope = TestFunctions.Scope;
    private static readonly Scope Other = new("210987654321", "eu-central-1");

    private readonly ConcurrencyReservations _reservations = new();
    private readonly FakeTimeProvider _time = new(TestFunctions.Epoch);
    private ConcurrencyGate? _gate;

    private ConcurrencyGate Gate => _gate ??= new ConcurrencyGate(_reservations, 10, 2, _time);

    public void Dispose() => _gate?.Dispose();

    [Fact]
    public void Enter_Reserved_AdmitsUpToTheReservation()
    {
        _reservations.Set(Scope, "f", 2);

        using var first = Gate.Enter(Scope, "f");
        using var second = Gate.Enter(Scope, "f");
        var error = Assert.Throws<InvocationThrottledException>(() => Gate.Enter(Scope, "f"));

        Assert.Equal(ThrottleReason.ReservedConcurrency, error.Reason);
        Assert.Null(error.RetryAfter);
        Assert.Equal(2, Gate.InFlight(Scope, "f"));
        Assert.Equal(0, Gate.UnreservedInFlight(Scope));
    }

    [Fact]
    public void Enter_ReservedZero_ThrottlesEverything()
    {
        _reservations.Set(Scope, "f", 0);

        var error = Assert.Throws<InvocationThrottledException>(() => Gate.Enter(Scope, "f"));

        Assert.Equal(ThrottleReason.ReservedConcurrency, error.Reason);
        Assert.Equal(0, Gate.InFlight(Scope, "f"));
    }

    [Fact]
    public void Enter_Unreserved_SharesTheLimitMinusEveryReservation()
    {
        _reservations.Set(Scope, "reserved", 7);
        var leases = new List<IDisposable>();
        for (var i = 0; i < 3; i++)
        {
            leases.Add(Gate.Enter(Scope, $"g{i}"));
        }

        var error = Assert.Throws<InvocationThrottledException>(() => Gate.Enter(Scope, "g3"));
        using var reserved = Gate.Enter(Scope, "reserved");
        using var elsewhere = Gate.Enter(Other, "g3");

        Assert.Equal(ThrottleReason.AccountConcurrency, error.Reason);
        Assert.Equal(3, Gate.UnreservedInFlight(Scope));
        Assert.Equal(1, Gate.UnreservedInFlight(Other));
        leases.ForEach(lease => lease.Dispose());
    }

    [Fact]
    public void Enter_ReservationSetWhileRunning_CountsWhatAlreadyRuns()
    {
        using var running = Gate.Enter(Scope, "f");
        _reservations.Set(Scope, "f", 1);

        Assert.Throws<InvocationThrottledException>(() => Gate.Enter(Scope, "f"));
        running.Dispose();
        using var next = Gate.Enter(Scope, "f");

        Assert.Equal(0, Gate.UnreservedInFlight(Scope));
        Assert.Equal(1, Gate.InFlight(Scope, "f"));
    }

    [Fact]
    public void Dispose_EveryLease_CountsReturnToZero()
    {
        _reservations.Set(Scope, "reserved", 1);
        var a = Gate.Enter(Scope, "reserved");
        var b = Gate.Enter(Scope, "unreserved");

        a.Dispose();
        b.Dispose();

        Assert.Equal(0, Gate.InFlight(Scope, "reserved"));
        Assert.Equal(0, Gate.InFlight(Scope, "unreserved"));
        Assert.Equal(0, Gate.UnreservedInFlight(Scope));
    }

    [Fact]
    public void Gate_CreatedAfterReservations_AppliesThem()
    {
        _reservations.Set(Scope, "f", 0);
        _reservations.Set(Scope, "g", 9);

        Assert.Throws<InvocationThrottledException>(() => Gate.Enter(Scope, "f"));
        using var one = Gate.Enter(Scope, "h");
        var error = Assert.Throws<InvocationThrottledException>(() => Gate.Enter(Scope, "i"));

        Assert.Equal(ThrottleReason.AccountConcurrency, error.Reason);
    }

    [Fact]
    public void Enter_ManyThreads_NeverExceedsTheLimitAndEndsAtZero()
    {
        _reservations.Set(Scope, "f", 3);
        var peak = 0;
        var admitted = 0;
        Parallel.For(0, 20_000, new ParallelOptions { MaxDegreeOfParallelism = 8 }, i =>
        {
            var name = i % 2 == 0 ? "f" : "g";
            try
            {
                using var lease = Gate.Enter(Scope, name);
                Interlocked.Increment(ref admitted);
                var now = Gate.InFlight(Scope, "f");
                int seen;
                while (now > (seen = Volatile.Read(ref peak)) && Interlocked.CompareExchange(ref peak, now, seen) != seen)
                {
                }
            }
            catch (InvocationThrottledException)
            {
            }
        });

        Assert.True(peak <= 3, $"peak {peak}");
        Assert.True(admitted > 0);
        Assert.Equal(0, Gate.InFlight(Scope, "f"));
        Assert.Equal(0, Gate.InFlight(Scope, "g"));
        Assert.Equal(0, Gate.UnreservedInFlight(Scope));
    }

    [Fact]
    public void TakeColdStart_BurstUsedUp_ThrottlesUntilTheBucketRefills()
    {
        using var lease = Gate.Enter(Scope, "f");
        lease.TakeColdStart();
        lease.TakeColdStart();

        var error = Assert.Throws<InvocationThrottledException>(lease.TakeColdStart);
        _time.Advance(TimeSpan.FromSeconds(5)); // 2 per 10 s: one more after 5 s
        lease.TakeColdStart();

        Assert.Equal(ThrottleReason.ScalingRate, error.Reason);
        Assert.Equal(TimeSpan.FromSeconds(5), error.RetryAfter);
        Assert.Throws<InvocationThrottledException>(lease.TakeColdStart);
    }

    [Fact]
    public void TakeColdStart_ReservedFunction_NamesTheReservedRate()
    {
        _reservations.Set(Scope, "f", 5);
        using var lease = Gate.Enter(Scope, "f");
        lease.TakeColdStart();
        lease.TakeColdStart();

        var error = Assert.Throws<InvocationThrottledException>(lease.TakeColdStart);

        Assert.Equal(ThrottleReason.ReservedScalingRate, error.Reason);
    }

    [Fact]
    public void TakeColdStart_OtherFunction_HasItsOwnBurst()
    {
        using var f = Gate.Enter(Scope, "f");
        f.TakeColdStart();
        f.TakeColdStart();
        using var g = Gate.Enter(Scope, "g");

        g.TakeColdStart();
    }

    [Fact]
    public void Watch_ThenRelease_RaisesCapacityFreedOnce()
    {
        _reservations.Set(Scope, "f", 1);
        var freed = new List<(Scope, string?)>();
        Gate.CapacityFreed += (scope, name) => freed.Add((scope, name));
        var lease = Gate.Enter(Scope, "f");

        Assert.False(Gate.Watch(Scope, "f"));
        lease.Dispose();
        Gate.Enter(Scope, "f").Dispose();

        Assert.Equal([(Scope, "f")], freed);
    }

    [Fact]
    public void Watch_CapacityAvailable_ReturnsTrue()
    {
        _reservations.Set(Scope, "f", 1);

        Assert.True(Gate.Watch(Scope, "f"));
        Assert.True(Gate.Watch(Scope, "unreserved"));
    }

    [Fact]
    public void Watch_ThenReservationRemoved_RaisesCapacityFreed()
    {
        _reservations.Set(Scope, "f", 0);
        var freed = new List<(Scope, string?)>();
        Gate.CapacityFreed += (scope, name) => freed.Add((scope, name));

        Assert.False(Gate.Watch(Scope, "f"));
        _reservations.Set(Scope, "f", null);
        using var lease = Gate.Enter(Scope, "f");

        Assert.Contains((Scope, "f"), freed);
    }

    [Fact]
    public void Watch_UnreservedPoolFull_ReleaseOfAnotherFunctionRaisesForTheScope()
    {
        using var gate = new ConcurrencyGate(_reservations, 1, 2, _time);
        var freed = new List<(Scope, string?)>();
        gate.CapacityFreed += (scope, name) => freed.Add((scope, name));
        var lease = gate.Enter(Scope, "busy");

        Assert.False(gate.Watch(Scope, "waiting"));
        lease.Dispose();

        Assert.Equal([(Scope, null)], freed);
    }
}
