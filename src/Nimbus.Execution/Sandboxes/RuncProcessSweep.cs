// SPDX-License-Identifier: Apache-2.0
using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace Nimbus.Execution.Sandboxes;

/// <summary>
/// Finds slirp4netns processes a previous run of this work directory left: those whose environment has
/// <see cref="RuncNetwork.OwnerVariable"/> set to this runc root. Any other slirp4netns on the host is not ours.
/// </summary>
internal static class RuncProcessSweep
{
    /// <summary>Kills our leftover slirp4netns processes; returns how many.</summary>
    public static int KillNetworkHelpers(string runcRoot)
    {
        var marker = Encoding.UTF8.GetBytes($"{RuncNetwork.OwnerVariable}={runcRoot}\0");
        var killed = 0;
        foreach (var directory in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(directory), NumberStyles.None, CultureInfo.InvariantCulture, out var pid))
            {
                continue;
            }

            try
            {
                if (File.ReadAllText(Path.Combine(directory, "comm")).Trim() != "slirp4netns")
                {
                    continue;
                }

                var environment = File.ReadAllBytes(Path.Combine(directory, "environ"));
                if (environment.AsSpan().IndexOf(marker) < 0 && !environment.AsSpan().EndsWith(marker.AsSpan(0, marker.Length - 1)))
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
}
