// SPDX-License-Identifier: Apache-2.0
namespace Nimbus.Core.Threading;

/// <summary>
/// The server runs socket completions inline on its event threads, the threads asleep in epoll_wait(2)
/// (docs/internals/invoke-path.md#socket-completions-on-the-event-threads): code that goes on after a socket read runs
/// there until it next waits, and meanwhile no other socket of that thread is served. That is what makes a warm
/// invocation one wake-up per hop; code that may block or run long (SQLite writes, files, processes, archives) leaves
/// them first with <c>await EventThreads.Leave()</c>.
/// </summary>
public static class EventThreads
{
    /// <summary>Awaited: goes on on a thread-pool thread, at once when already on one (tests, the pool's own work).</summary>
    public static EventThreadLeave Leave() => default;

    /// <summary>Whether the calling thread is not one of the thread pool's (an event thread, in the server).</summary>
    public static bool OnEventThread => !Thread.CurrentThread.IsThreadPoolThread;
}
