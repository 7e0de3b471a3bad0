// SPDX-License-Identifier: Apache-2.0
namespace Nimbus.TestKit;

/// <summary>Threads outside the pool, standing in for the server's event threads.</summary>
public static class OtherThread
{
    /// <summary>A task completed with <paramref name="value"/> by a new thread, which runs its continuations.</summary>
    public static Task<T> Completes<T>(T value)
    {
        var pending = new TaskCompletionSource<T>();
        var thread = new Thread(() =>
        {
            // Long enough for the caller to be waiting, so that the continuation runs on this thread.
            Thread.Sleep(20);
            pending.SetResult(value);
        }) { IsBackground = true };
        thread.Start();
        return pending.Task;
    }

    /// <summary>Runs <paramref name="work"/> on a new thread outside the pool, up to its first wait.</summary>
    public static Task<T> Runs<T>(Func<Task<T>> work)
    {
        var started = new TaskCompletionSource<Task<T>>(TaskCreationOptions.RunContinuationsAsynchronously);
        var thread = new Thread(() => started.SetResult(work())) { IsBackground = true };
        thread.Start();
        return started.Task.Unwrap();
    }
}
