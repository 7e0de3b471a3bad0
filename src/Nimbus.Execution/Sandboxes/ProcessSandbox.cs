// SPDX-License-Identifier: Apache-2.0
using System.Diagnostics;
using System.Globalization;

namespace Nimbus.Execution.Sandboxes;

/// <summary>nimbus-init and its children as plain host processes.</summary>
internal sealed class ProcessSandbox : ISandbox
{
    private readonly Process _process;
    private readonly string _root;

    public ProcessSandbox(Process process, string root, SandboxPaths paths)
    {
        _process = process;
        _root = root;
        Paths = paths;
        Exited = WaitAsync(process);
    }

    public SandboxPaths Paths { get; }

    public Task<int> Exited { get; }

    /// <summary>The sum of the high-water marks (VmHWM) of nimbus-init's descendants: the runtime and what it started.</summary>
    public long? PeakMemoryBytes()
    {
        try
        {
            long total = 0;
            foreach (var pid in Descendants(_process.Id))
            {
                total += ReadHighWaterMark(pid);
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

    public void Kill()
    {
        try
        {
            _process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }
    }

    public async ValueTask DisposeAsync()
    {
        Kill();
        await Exited;
        _process.Dispose();
        try
        {
            Directory.Delete(_root, recursive: true);
        }
        catch (DirectoryNotFoundException)
        {
        }
        catch (IOException)
        {
            // Something still writes there; the start-up sweep removes it later.
        }
    }

    private static async Task<int> WaitAsync(Process process)
    {
        await process.WaitForExitAsync();
        return process.ExitCode;
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

    private static long ReadHighWaterMark(int pid)
    {
        var status = $"/proc/{pid}/status";
        if (!File.Exists(status))
        {
            return 0;
        }

        foreach (var line in File.ReadLines(status))
        {
            if (line.StartsWith("VmHWM:", StringComparison.Ordinal))
            {
                var digits = line.AsSpan(6).Trim();
                var space = digits.IndexOf(' ');
                var kb = long.Parse(space < 0 ? digits : digits[..space], NumberStyles.None, CultureInfo.InvariantCulture);
                return kb * 1024;
            }
        }

        return 0;
    }
}
