// SPDX-License-Identifier: Apache-2.0
using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace Nimbus.Execution.Sandboxes;

/// <summary>
/// Finds processes earlier runs left: slirp4netns processes of this work directory (those whose environment has
/// <see cref="RuncNetwork.OwnerVariable"/> set to this runc root; any other slirp4netns on the host is not ours), and
/// runc's init processes stranded in the created state by a server killed during <c>runc create</c>.
/// </summary>
internal static class RuncProcessSweep
{
    /// <summary>Kills our leftover slirp4netns processes; returns how many.</summary>
    public static int KillNetworkHelpers(string runcRoot)
    {
        var marker = Encoding.UTF8.GetBytes($"{RuncNetwork.OwnerVariable}={runcRoot}\0");
        return KillWhere(directory =>
        {
            if (File.ReadAllText(Path.Combine(directory, "comm")).Trim() != "slirp4netns")
            {
                return false;
            }

            var environment = File.ReadAllBytes(Path.Combine(directory, "environ"));
            return environment.AsSpan().IndexOf(marker) >= 0 || environment.AsSpan().EndsWith(marker.AsSpan(0, marker.Length - 1));
        });
    }

    /// <summary>
    /// Kills runc init processes that wait, in the created state, for a <c>runc start</c> that will never come: their
    /// cgroup is a Nimbus container's (<c>/nimbus/&lt;environment id&gt;</c>, of any work directory) made before
    /// <paramref name="madeBeforeUtc"/>. A server creates and starts a container in one step, so only a server killed
    /// between the two leaves one (with its state root often deleted since, so no <c>runc delete</c> can find it);
    /// each holds its cgroup and a process forever. Returns how many were killed.
    /// </summary>
    public static int KillStrandedInits(RuncCgroups cgroups, DateTime madeBeforeUtc) =>
        KillWhere(directory =>
            // runc's init names itself so until it executes the container's process.
            File.ReadAllText(Path.Combine(directory, "comm")).Trim() == "runc:[2:INIT]"
            && ContainerOf(File.ReadAllLines(Path.Combine(directory, "cgroup"))) is { } environmentId
            && cgroups.MadeAtUtc(environmentId) is { } made
            && made < madeBeforeUtc);

    /// <summary>Kills every process whose <c>/proc/PID</c> directory <paramref name="isLeftover"/> accepts; returns how many.</summary>
    private static int KillWhere(Func<string, bool> isLeftover)
    {
        var killed = 0;
        foreach (var directory in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(directory), NumberStyles.None, CultureInfo.InvariantCulture, out var pid))
            {
                continue;
            }

            try
            {
                if (!isLeftover(directory))
                {
                    continue;
                }

                using var process = Process.GetProcessById(pid);
                process.Kill();
                killed++;
            }
            catch (IOException)
            {
                // Ended meanwhile.
            }
            catch (UnauthorizedAccessException)
            {
            }
            catch (ArgumentException)
            {
            }
            catch (InvalidOperationException)
            {
            }
        }

        return killed;
    }

    /// <summary>The environment id of a <c>/proc/PID/cgroup</c> whose path is a Nimbus container's, or null.</summary>
    private static string? ContainerOf(string[] lines)
    {
        const string Marker = ":/" + RuncCgroups.Parent + "/";
        foreach (var line in lines)
        {
            var at = line.IndexOf(Marker, StringComparison.Ordinal);
            if (at >= 0 && line[(at + Marker.Length)..] is var name && RuncCgroups.IsEnvironmentId(name))
            {
                return name;
            }
        }

        return null;
    }
}
