// SPDX-License-Identifier: Apache-2.0
using System.Diagnostics;

namespace Nimbus.Execution.Sandboxes;

/// <summary>
/// The <c>process</c> backend: nimbus-init runs as a child process of the server, sharing the host's file system,
/// network and users. No isolation and no resource limits; for hosts without runc or root. The runtime sees the
/// real code path as LAMBDA_TASK_ROOT and a private temp directory as TMPDIR. Without a mount namespace there is no
/// private /opt: the layers' merged directory on the host takes its place in PATH, LD_LIBRARY_PATH, NODE_PATH and
/// PYTHONPATH (see <see cref="Environments.RuntimeLauncher"/>); code that spells out "/opt/..." itself does not find them.
/// </summary>
internal sealed class ProcessSandboxFactory(string workDirectory) : ISandboxFactory
{
    public string Name => "process";

    public Task<ISandbox> StartAsync(SandboxSpec spec, CancellationToken cancellationToken)
    {
        if (spec.ImageRoot is not null)
        {
            throw new SandboxStartException($"container images (PackageType Image) need the runc or bwrap sandbox; this server uses {Name}");
        }

        var root = Path.Combine(workDirectory, spec.EnvironmentId);
        var tmp = Path.Combine(root, "tmp");
        Directory.CreateDirectory(tmp);
        var start = new ProcessStartInfo(spec.InitExecutable)
        {
            UseShellExecute = false,
            RedirectStandardInput = false,
            RedirectStandardOutput = false,
            RedirectStandardError = false,
            WorkingDirectory = root,
        };
        start.Environment.Clear();
        start.Environment["NIMBUS_INIT_SOCKET"] = spec.HostSocketPath;
        start.Environment["NIMBUS_RUNTIME_API"] = "127.0.0.1:0";
        if (spec.IdleExecutable is { } idle)
        {
            start.Environment["NIMBUS_IDLE_PROGRAM"] = idle;
        }
        start.Environment["PATH"] = "/usr/local/bin:/usr/bin:/bin";
        var process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {spec.InitExecutable}");
        return Task.FromResult<ISandbox>(new ProcessSandbox(process, root, new SandboxPaths(spec.CodeDirectory, spec.RuntimeDirectory, tmp, OptDirectory: spec.OptDirectory ?? "/opt")));
    }
}
