// SPDX-License-Identifier: Apache-2.0
using System.Globalization;
using Microsoft.Win32.SafeHandles;

namespace Nimbus.Execution.Sandboxes;

/// <summary>
/// Peak memory of a process tree without a cgroup: the sum of the high-water marks (VmHWM) of a root process's
/// descendants (the runtime and what it started). The tree is walked once and again only when one of the known
/// processes is gone, so a warm invocation reads one small /proc file per process, through a handle kept open (an
/// open and a path walk less per read; a handle of a process that ended fails its read instead of reading a new
/// process that got the same id). Used by the backends that set no memory cgroup (process, bwrap).
/// </summary>
internal sealed class ProcessTreeMemory(int rootPid) : IDisposable
{
    private List<int>? _descendants;
    private List<SafeFileHandle?>? _handles;
    private volatile int _adopted;

    /// <summary>A process outside the root's tree that belongs to it (a SnapStart runtime forked by its template): it and its descendants count too.</summary>
    public void Adopt(int pid)
    {
        _adopted = pid;
        _descendants = null;
    }

    /// <summary>The sum of the high-water marks (VmHWM) of the root's descendants, or null when /proc cannot tell.</summary>
    public long? PeakMemoryBytes()
    {
        try
        {
            var pids = _descendants;
            var handles = _handles;
            if (pids is null || handles is null || pids.Count == 0)
            {
                CloseHandles();
                pids = Descendants(rootPid);
                if (_adopted is var adopted and > 0)
                {
                    pids.Add(adopted);
                    pids.AddRange(Descendants(adopted));
                }

                _descendants = pids;
                handles = _handles = new List<SafeFileHandle?>(new SafeFileHandle?[pids.Count]);
            }

            long total = 0;
            for (var i = 0; i < pids.Count; i++)
            {
                var peak = ReadHighWaterMark(pids[i], handles, i);
                if (peak < 0)
                {
                    // A process ended (or a new one may have started): walk the tree again next time.
                    _descendants = null;
                    continue;
                }

                total += peak;
            }

            return total;
        }
        catch (IOException)
        {
            return null;
        }
        catch (UnauthorizedAccessException)
        {
            return null;
        }
    }

    private static List<int> Descendants(int pid)
    {
        var result = new List<int>();
        var pending = new Stack<int>();
        pending.Push(pid);
        while (pending.Count > 0)
        {
            var parent = pending.Pop();
            var tasks = $"/proc/{parent}/task";
            if (!Directory.Exists(tasks))
            {
                continue;
            }

            // A child is listed under the thread that started it.
            foreach (var task in Directory.EnumerateDirectories(tasks))
            {
                var children = Path.Combine(task, "children");
                if (!File.Exists(children))
                {
                    continue;
                }

                foreach (var part in File.ReadAllText(children).Split(' ', StringSplitOptions.RemoveEmptyEntries))
                {
                    if (int.TryParse(part, NumberStyles.None, CultureInfo.InvariantCulture, out var child))
                    {
                        result.Add(child);
                        pending.Push(child);
                    }
                }
            }
        }

        return result;
    }

    public void Dispose() => CloseHandles();

    private void CloseHandles()
    {
        if (_handles is { } handles)
        {
            foreach (var handle in handles)
            {
                handle?.Dispose();
            }

            _handles = null;
        }
    }

    /// <summary>VmHWM of a process in bytes, or -1 when it no longer exists.</summary>
    private static long ReadHighWaterMark(int pid, List<SafeFileHandle?> handles, int index)
    {
        Span<byte> buffer = stackalloc byte[2048];
        int length;
        try
        {
            var handle = handles[index] ??= File.OpenHandle($"/proc/{pid}/status");
            length = RandomAccess.Read(handle, buffer, 0);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException or IOException or ObjectDisposedException)
        {
            return -1;
        }

        if (length == 0)
        {
            return -1;
        }

        var text = buffer[..length];
        var at = text.IndexOf("VmHWM:"u8);
        if (at < 0)
        {
            return 0;
        }

        long kb = 0;
        foreach (var b in text[(at + 6)..])
        {
            if (b is >= (byte)'0' and <= (byte)'9')
            {
                kb = (kb * 10) + (b - '0');
            }
            else if (b == (byte)'k' || b == (byte)'\n')
            {
                break;
            }
        }

        return kb * 1024;
    }
}
