// SPDX-License-Identifier: Apache-2.0
using System.Globalization;

namespace Nimbus.Execution.Sandboxes;

/// <summary>Moving processes between containers' cgroups: a SnapStart runtime forked by its template (runc).</summary>
internal sealed partial class RuncCgroups
{
    /// <summary>The host pids in a container's cgroup (its first hierarchy that has it).</summary>
    public IReadOnlyList<int> Processes(string environmentId)
    {
        var pids = new List<int>();
        foreach (var directory in Directories(environmentId))
        {
            var procs = Path.Combine(directory, "cgroup.procs");
            if (!File.Exists(procs))
            {
                continue;
            }

            foreach (var line in File.ReadLines(procs))
            {
                if (int.TryParse(line, NumberStyles.None, CultureInfo.InvariantCulture, out var pid))
                {
                    pids.Add(pid);
                }
            }

            break;
        }

        return pids;
    }

    /// <summary>
    /// Moves the host process <paramref name="pid"/> into the container's cgroup in every hierarchy: its limits apply
    /// from here on (what it allocated before stays charged where it was, as cgroup v1 and v2 both do by default).
    /// </summary>
    public void MoveInto(string environmentId, int pid)
    {
        var text = pid.ToString(CultureInfo.InvariantCulture);
        foreach (var directory in Directories(environmentId))
        {
            var procs = Path.Combine(directory, "cgroup.procs");
            if (File.Exists(procs))
            {
                File.WriteAllText(procs, text);
            }
        }
    }
}
