// SPDX-License-Identifier: Apache-2.0
namespace Nimbus.EndToEnd.Tests;

/// <summary>What the runc sandbox needs on this host.</summary>
internal static class RuncPrerequisites
{
    public static string? Missing()
    {
        if (Environment.UserName != "root")
        {
            return "root (running as " + Environment.UserName + ")";
        }

        foreach (var tool in (string[])["runc", "slirp4netns"])
        {
            if (!File.Exists($"/usr/sbin/{tool}") && !File.Exists($"/usr/bin/{tool}"))
            {
                return $"{tool} (apt-get install -y {tool})";
            }
        }

        return null;
    }
}
