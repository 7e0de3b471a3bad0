// SPDX-License-Identifier: Apache-2.0
namespace Nimbus.Execution.Environments;

/// <summary>
/// The external extensions of a function: the files in its layers' <c>extensions/</c> directory (merged under
/// /opt), in name order as the emulator lists them (RIE agents.ListExternalAgentPaths). nimbus-init starts them;
/// past ten it fails the init with Extension.LaunchError, as AWS does.
/// </summary>
internal static class ExternalExtensions
{
    /// <summary>Their paths inside the sandbox (under <paramref name="sandboxOpt"/>), read from the host's copy of /opt.</summary>
    public static IReadOnlyList<string> Find(string? hostOpt, string sandboxOpt)
    {
        if (hostOpt is null)
        {
            return [];
        }

        var directory = Path.Combine(hostOpt, "extensions");
        if (!Directory.Exists(directory))
        {
            return [];
        }

        var names = new List<string>();
        foreach (var file in Directory.EnumerateFiles(directory))
        {
            names.Add(Path.GetFileName(file));
        }

        names.Sort(StringComparer.Ordinal);
        var paths = new List<string>(names.Count);
        foreach (var name in names)
        {
            paths.Add(sandboxOpt.TrimEnd('/') + "/extensions/" + name);
        }

        return paths;
    }
}
