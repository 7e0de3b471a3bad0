// SPDX-License-Identifier: Apache-2.0
using System.Collections.Concurrent;

namespace Nimbus.Init.Idle;

/// <summary>
/// The one thread that starts the runtime and, later, executes nimbus-idle. A runtime's parent-death signal
/// (PR_SET_PDEATHSIG) follows the thread that forked it, not the process, and execve ends every other thread: had
/// another thread forked the runtime, a runtime asking for that signal would get it when nimbus-init became
/// nimbus-idle. The thread lives as long as the process and only waits between its two jobs.
/// </summary>
internal sealed class SpawningThread : IDisposable
{
    private const int StackSize = 256 * 1024;

    private readonly BlockingCollection<Action> _work = [];

    public SpawningThread()
    {
        var thread = new Thread(Run, StackSize) { IsBackground = true, Name = "nimbus-init spawn" };
        thread.Start();
    }

    /// <summary>Runs <paramref name="work"/> on the thread; its result or exception comes back in the task.</summary>
    public Task<T> RunAsync<T>(Func<T> work)
    {
        var result = new TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously);
        _work.Add(() =>
        {
            try
            {
                result.SetResult(work());
            }
            catch (Exception e)
            {
                result.SetException(e);
            }
        });
        return result.Task;
    }

    public void Dispose() => _work.CompleteAdding();

    private void Run()
    {
        foreach (var work in _work.GetConsumingEnumerable())
        {
            work();
        }
    }
}
