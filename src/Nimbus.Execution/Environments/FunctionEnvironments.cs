// SPDX-License-Identifier: Apache-2.0
namespace Nimbus.Execution.Environments;

/// <summary>
/// The environments of one function version's configuration: warm ones on a stack (most recently used first),
/// and the count of all live ones.
/// </summary>
internal sealed class FunctionEnvironments(string key)
{
    private readonly Lock _lock = new();
    private readonly List<ExecutionEnvironment> _idle = [];
    private int _live;

    // Idle environments that were provisioned when they came back (an upper bound: a config released meanwhile
    // clears the flag), so the common case skips the scan for them.
    private int _provisionedIdle;

    public string Key { get; } = key;

    public int Live
    {
        get
        {
            lock (_lock)
            {
                return _live;
            }
        }
    }

    /// <summary>
    /// An idle provisioned environment if there is one, else the most recently used one on the idle list (which may
    /// have died since it was put there: the caller checks), or null.
    /// </summary>
    public ExecutionEnvironment? TakeIdle()
    {
        lock (_lock)
        {
            if (_provisionedIdle > 0)
            {
                for (var i = _idle.Count - 1; i >= 0; i--)
                {
                    var environment = _idle[i];
                    if (environment.Provisioned && environment.State == EnvironmentState.Idle)
                    {
                        _idle.RemoveAt(i);
                        _provisionedIdle--;
                        return environment;
                    }
                }

                _provisionedIdle = 0;
            }

            if (_idle.Count == 0)
            {
                return null;
            }

            // A dead one too: the caller discards it (dropped here, it stayed in the pool with its sandbox undisposed).
            var last = _idle[^1];
            _idle.RemoveAt(_idle.Count - 1);
            return last;
        }
    }

    public void Added()
    {
        lock (_lock)
        {
            _live++;
        }
    }

    public void Removed()
    {
        lock (_lock)
        {
            _live--;
        }
    }

    public void ReturnIdle(ExecutionEnvironment environment)
    {
        lock (_lock)
        {
            _idle.Add(environment);
            if (environment.Provisioned)
            {
                _provisionedIdle++;
            }
        }
    }

    /// <summary>Takes out the idle environments that <paramref name="expired"/> selects.</summary>
    public List<ExecutionEnvironment> TakeExpired(Func<ExecutionEnvironment, bool> expired)
    {
        var taken = new List<ExecutionEnvironment>();
        lock (_lock)
        {
            for (var i = _idle.Count - 1; i >= 0; i--)
            {
                if (expired(_idle[i]) || _idle[i].State != EnvironmentState.Idle)
                {
                    taken.Add(_idle[i]);
                    _idle.RemoveAt(i);
                }
            }
        }

        return taken;
    }
}
