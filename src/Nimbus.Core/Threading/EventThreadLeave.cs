// SPDX-License-Identifier: Apache-2.0
using System.Runtime.CompilerServices;

namespace Nimbus.Core.Threading;

/// <summary>The awaitable of <see cref="EventThreads.Leave"/>: complete on a thread-pool thread, else queued to the pool.</summary>
public readonly struct EventThreadLeave : ICriticalNotifyCompletion
{
    private static readonly Action<Action> s_run = static continuation => continuation();

    public bool IsCompleted => !EventThreads.OnEventThread;

    public EventThreadLeave GetAwaiter() => this;

    public void GetResult()
    {
    }

    public void OnCompleted(Action continuation) => ThreadPool.QueueUserWorkItem(s_run, continuation, preferLocal: false);

    public void UnsafeOnCompleted(Action continuation) => ThreadPool.UnsafeQueueUserWorkItem(s_run, continuation, preferLocal: false);
}
