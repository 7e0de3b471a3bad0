// SPDX-License-Identifier: Apache-2.0
using System.Diagnostics;

namespace Nimbus.Execution.Sandboxes;

/// <summary>nimbus-init and its children as plain host processes.</summary>
internal sealed class ProcessSandbox : HostProcessSandbox
{
    public ProcessSandbox(Process process, string root, SandboxPaths paths)
        : base(process, root, paths)
    {
        Exited = WaitAsync(process);
    }

    public override Task<int> Exited { get; }

    private static async Task<int> WaitAsync(Process process)
    {
        await process.WaitForExitAsync();
        return process.ExitCode;
    }
}
