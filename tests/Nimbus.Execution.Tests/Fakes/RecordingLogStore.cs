// SPDX-License-Identifier: Apache-2.0
using Nimbus.Core.Arns;
using Nimbus.Core.Storage;

namespace Nimbus.Execution.Tests.Fakes;

/// <summary><see cref="ILogStore"/> that records every appended event and lets a test await a condition on them.</summary>
internal sealed class RecordingLogStore : ILogStore
{
    private readonly Lock _lock = new();
    private readonly List<StoredLogEvent> _events = [];
    private readonly List<(Func<IReadOnlyList<StoredLogEvent>, bool> Condition, TaskCompletionSource Signal)> _waiters = [];

    public IReadOnlyList<StoredLogEvent> Events
    {
        get
        {
            lock (_lock)
            {
                return [.. _events];
            }
        }
    }

    public Task AppendAsync(IReadOnlyList<LogBatch> batches, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            // Copied now: the writer reuses its list once this returns.
            foreach (var batch in batches)
            {
                foreach (var e in batch.Events)
                {
                    _events.Add(new StoredLogEvent(batch.Scope, batch.Group, batch.Stream, e));
                }
            }

            for (var i = _waiters.Count - 1; i >= 0; i--)
            {
                if (_waiters[i].Condition(_events))
                {
                    _waiters[i].Signal.TrySetResult();
                    _waiters.RemoveAt(i);
                }
            }
        }

        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<LogEvent>> ReadAsync(Scope scope, string group, string? stream, int limit, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            IReadOnlyList<LogEvent> found = _events
                .Where(e => e.Scope == scope && e.Group == group && (stream is null || e.Stream == stream))
                .Select(e => e.Event)
                .Take(limit)
                .ToList();
            return Task.FromResult(found);
        }
    }

    /// <summary>Completes once the recorded events satisfy <paramref name="condition"/>.</summary>
    public Task WaitUntilAsync(Func<IReadOnlyList<StoredLogEvent>, bool> condition, CancellationToken cancellationToken)
    {
        var signal = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_lock)
        {
            if (condition(_events))
            {
                return Task.CompletedTask;
            }

            _waiters.Add((condition, signal));
        }

        return signal.Task.WaitAsync(cancellationToken);
    }
}
