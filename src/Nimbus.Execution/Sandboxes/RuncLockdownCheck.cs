// SPDX-License-Identifier: Apache-2.0
namespace Nimbus.Execution.Sandboxes;

/// <summary>
/// The host's check of a SnapStart runtime forked into a restored container (docs/cold-starts.md#snapstart): the
/// template's child locks itself down there, but it is the function's interpreter (init's code could have changed
/// what it does), so before the runtime joins its container the host reads what the kernel says of it: the sandbox
/// uid, no capability in any set, no_new_privs, a seccomp filter. What the filter allows is not checked here.
/// </summary>
internal static class RuncLockdownCheck
{
    private const string NoCapabilities = "0000000000000000";

    /// <summary>Why the host process <paramref name="pid"/> is not locked down; null when it is.</summary>
    public static string? Problem(int pid)
    {
        var seen = 0;
        foreach (var line in File.ReadLines($"/proc/{pid}/status"))
        {
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon < 0)
            {
                continue;
            }

            var name = line[..colon];
            var value = line[(colon + 1)..].Trim();
            var problem = name switch
            {
                "Uid" or "Gid" => value.Split('\t', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).All(id => id == "993") ? null : $"{name} {value}",
                "CapInh" or "CapPrm" or "CapEff" or "CapBnd" or "CapAmb" => value == NoCapabilities ? null : $"{name} {value}",
                "NoNewPrivs" => value == "1" ? null : "NoNewPrivs " + value,
                "Seccomp" => value == "2" ? null : "Seccomp " + value,
                _ => "",
            };
            if (problem is null)
            {
                seen++;
            }
            else if (problem.Length > 0)
            {
                return problem;
            }
        }

        // Every line above was there (a kernel without them cannot be checked: not locked down as far as it shows).
        return seen == 9 ? null : "its status lacks lines the check needs";
    }
}
