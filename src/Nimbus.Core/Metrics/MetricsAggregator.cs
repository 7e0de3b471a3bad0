// SPDX-License-Identifier: Apache-2.0
using System.Collections.Concurrent;
using Nimbus.Core.Arns;

namespace Nimbus.Core.Metrics;

/// <summary>
/// The in-memory side of metrics: one <see cref="MetricBucketSet"/> per function, version or alias, account and
/// queue, holding the current minute; finished minutes wait in <see cref="Completed"/> until a flusher stores them.
/// Recording looks a set up in a concurrent dictionary (no allocation once it exists) and locks only that set.
/// Also keeps running totals per function and queue for the Prometheus page.
/// </summary>
public sealed class MetricsAggregator(TimeProvider time, bool enabled = true) : IMetricsRecorder
{
    private const long MinuteMilliseconds = 60_000;

    private readonly ConcurrentDictionary<(Scope Scope, string Name), FunctionSets> _functions = new();
    private readonly ConcurrentDictionary<Scope, MetricBucketSet> _accounts = new();
    private readonly ConcurrentDictionary<(Scope Scope, string Name), MetricBucketSet> _queues = new();

    public bool Enabled => enabled;

    /// <summary>Finished minutes not yet stored.</summary>
    internal ConcurrentQueue<MetricPoint> Completed { get; } = new();

    /// <summary>The start of the minute <paramref name="unixMilliseconds"/> falls in.</summary>
    public static long MinuteOf(long unixMilliseconds) => unixMilliseconds - (((unixMilliseconds % MinuteMilliseconds) + MinuteMilliseconds) % MinuteMilliseconds);

    public void InvocationStarting(Scope scope, string functionName, string? qualifier)
    {
        if (!enabled)
        {
            return;
        }

        var function = Function(scope, functionName);
        Interlocked.Increment(ref function.Sets.InFlight);
        Interlocked.Increment(ref Account(scope).InFlight);
        if (qualifier is not null)
        {
            Interlocked.Increment(ref function.Resource(scope, functionName, qualifier).InFlight);
        }
    }

    public void InvocationEnded(Scope scope, string functionName, string? qualifier, in InvocationFigures figures)
    {
        if (!enabled)
        {
            return;
        }

        var minute = Now();
        var function = Function(scope, functionName);
        function.Totals.Invoked(figures.Error, figures.ColdStart);

        End(function.Sets, minute, figures);
        var account = Account(scope);
        End(account, minute, figures);
        if (figures.UnreservedInFlight >= 0)
        {
            account.Record(minute, (int)LambdaMetric.UnreservedConcurrentExecutions, figures.UnreservedInFlight, this);
        }

        if (qualifier is not null)
        {
            End(function.Resource(scope, functionName, qualifier), minute, figures);
        }
    }

    public void InvocationThrottled(Scope scope, string functionName, string? qualifier)
    {
        if (!enabled)
        {
            return;
        }

        var minute = Now();
        var function = Function(scope, functionName);
        function.Totals.Throttled();
        Throttle(function.Sets, minute);
        Throttle(Account(scope), minute);
        if (qualifier is not null)
        {
            Throttle(function.Resource(scope, functionName, qualifier), minute);
        }
    }

    public void Lambda(Scope scope, string functionName, string? qualifier, LambdaMetric metric, double value)
    {
        if (!enabled)
        {
            return;
        }

        var minute = Now();
        var function = Function(scope, functionName);
        function.Sets.Record(minute, (int)metric, value, this);
        Account(scope).Record(minute, (int)metric, value, this);
        if (qualifier is not null)
        {
            function.Resource(scope, functionName, qualifier).Record(minute, (int)metric, value, this);
        }
    }

    public void Sqs(Scope scope, string queueName, SqsMetric metric, double value)
    {
        if (!enabled)
        {
            return;
        }

        var queue = _queues.GetOrAdd((scope, queueName), static key => new MetricBucketSet(MetricCatalog.Sqs, key.Scope, [new MetricDimension(MetricNames.QueueName, key.Name)]));
        queue.Record(Now(), (int)metric, value, this);
    }

    /// <summary>Moves every minute before the current one out to <see cref="Completed"/>, and takes them all.</summary>
    public IReadOnlyList<MetricPoint> Collect(bool all = false)
    {
        var before = all ? long.MaxValue : Now();
        foreach (var set in Sets())
        {
            set.Collect(before, this);
        }

        var points = new List<MetricPoint>(Completed.Count);
        while (Completed.TryDequeue(out var point))
        {
            points.Add(point);
        }

        return points;
    }

    /// <summary>Copies of everything not stored yet: finished minutes waiting, and every set's current minute.</summary>
    public IReadOnlyList<MetricPoint> Unstored()
    {
        var points = new List<MetricPoint>(Completed);
        foreach (var set in Sets())
        {
            set.Snapshot(points);
        }

        return points;
    }

    /// <summary>Running totals per function since start (for Prometheus counters).</summary>
    public IEnumerable<(Scope Scope, string FunctionName, FunctionTotals Totals)> FunctionTotals()
    {
        foreach (var ((scope, name), function) in _functions)
        {
            yield return (scope, name, function.Totals);
        }
    }

    /// <summary>Invocations in flight per function now.</summary>
    public IEnumerable<(Scope Scope, string FunctionName, int InFlight)> FunctionsInFlight()
    {
        foreach (var ((scope, name), function) in _functions)
        {
            yield return (scope, name, Volatile.Read(ref function.Sets.InFlight));
        }
    }

    private void End(MetricBucketSet set, long minute, in InvocationFigures figures)
    {
        var concurrent = Interlocked.Decrement(ref set.InFlight) + 1;
        Span<MetricFigure> values = stackalloc MetricFigure[6];
        var count = 0;
        values[count++] = new((int)LambdaMetric.Invocations, 1);
        values[count++] = new((int)LambdaMetric.Errors, figures.Error ? 1 : 0);
        values[count++] = new((int)LambdaMetric.Duration, figures.DurationMilliseconds);
        values[count++] = new((int)LambdaMetric.ConcurrentExecutions, concurrent);
        if (figures.Provisioned)
        {
            values[count++] = new((int)LambdaMetric.ProvisionedConcurrencyInvocations, 1);
        }

        if (figures.ProvisionedConfigured > 0)
        {
            values[count++] = figures.Provisioned
                ? new((int)LambdaMetric.ProvisionedConcurrencyUtilization, Math.Min(1.0, (double)concurrent / figures.ProvisionedConfigured))
                : new((int)LambdaMetric.ProvisionedConcurrencySpilloverInvocations, 1);
        }

        set.Record(minute, values[..count], this);
    }

    private void Throttle(MetricBucketSet set, long minute)
    {
        Interlocked.Decrement(ref set.InFlight);
        set.Record(minute, (int)LambdaMetric.Throttles, 1, this);
    }

    private long Now() => MinuteOf(time.GetUtcNow().ToUnixTimeMilliseconds());

    private FunctionSets Function(Scope scope, string name) =>
        _functions.TryGetValue((scope, name), out var sets) ? sets : _functions.GetOrAdd((scope, name), static key => new FunctionSets(key.Scope, key.Name));

    private MetricBucketSet Account(Scope scope) =>
        _accounts.TryGetValue(scope, out var set) ? set : _accounts.GetOrAdd(scope, static s => new MetricBucketSet(MetricCatalog.Lambda, s, []));

    private IEnumerable<MetricBucketSet> Sets()
    {
        foreach (var (_, function) in _functions)
        {
            yield return function.Sets;
            foreach (var (_, resource) in function.Resources)
            {
                yield return resource;
            }
        }

        foreach (var (_, account) in _accounts)
        {
            yield return account;
        }

        foreach (var (_, queue) in _queues)
        {
            yield return queue;
        }
    }

    private sealed class FunctionSets(Scope scope, string name)
    {
        public MetricBucketSet Sets { get; } = new(MetricCatalog.Lambda, scope, [new MetricDimension(MetricNames.FunctionName, name)]);

        public ConcurrentDictionary<string, MetricBucketSet> Resources { get; } = new(StringComparer.Ordinal);

        public FunctionTotals Totals { get; } = new();

        public MetricBucketSet Resource(Scope scope, string name, string qualifier) =>
            Resources.TryGetValue(qualifier, out var set)
                ? set
                : Resources.GetOrAdd(qualifier, static (q, s) => new MetricBucketSet(
                    MetricCatalog.Lambda,
                    s.Scope,
                    [new MetricDimension(MetricNames.FunctionName, s.Name), new MetricDimension(MetricNames.Resource, s.Name + ":" + q)]), (Scope: scope, Name: name));
    }
}
