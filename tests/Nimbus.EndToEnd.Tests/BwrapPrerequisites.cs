// SPDX-License-Identifier: Apache-2.0
using Nimbus.TestKit;

namespace Nimbus.EndToEnd.Tests;

/// <summary>What the bwrap sandbox needs on this host: bubblewrap, allowed to create user namespaces.</summary>
internal static class BwrapPrerequisites
{
    public static async Task<string?> MissingAsync()
    {
        if (!File.Exists("/usr/bin/bwrap"))
        {
            return "bubblewrap (apt-get install -y bubblewrap)";
        }

        var trial = await ChildProcess.RunAsync("/usr/bin/bwrap", ["--unshare-user", "--unshare-pid", "--ro-bind", "/", "/", "--proc", "/proc", "/bin/true"]);
        return trial.ExitCode == 0 ? null : $"user namespaces for bwrap ({trial.StandardError.Trim()})";
    }
}
