// SPDX-License-Identifier: Apache-2.0
using System.Diagnostics;

namespace Nimbus.Bench;

/// <summary>Where the nimbus executable is: NIMBUS_EXECUTABLE, or artifacts/nimbus/nimbus (built by ./nimbus once).</summary>
internal sealed record NimbusLocation(string RepositoryRoot, string Executable)
{
    public static async Task<NimbusLocation> FindAsync(CancellationToken cancellationToken)
    {
        var root = RepositoryRootOf(AppContext.BaseDirectory) ?? RepositoryRootOf(Environment.CurrentDirectory)
            ?? throw new FileNotFoundException("Cannot find the repository root (Nimbus.slnx) above " + AppContext.BaseDirectory);
        if (Environment.GetEnvironmentVariable("NIMBUS_EXECUTABLE") is { Length: > 0 } configured)
        {
            return new NimbusLocation(root, configured);
        }

        var executable = Path.Combine(root, "artifacts", "nimbus", "nimbus");
        if (!File.Exists(executable))
        {
            // First use: the script builds the server and nimbus-init (NativeAOT) into artifacts/nimbus/.
            Console.WriteLine("nimbus is not built yet: ./nimbus --help builds it (a few minutes)...");
            var start = new ProcessStartInfo(Path.Combine(root, "nimbus")) { UseShellExecute = false, WorkingDirectory = root };
            start.ArgumentList.Add("--help");
            using var build = Process.Start(start) ?? throw new InvalidOperationException("cannot run ./nimbus");
            await build.WaitForExitAsync(cancellationToken);
            if (!File.Exists(executable))
            {
                throw new FileNotFoundException($"./nimbus did not build {executable}");
            }
        }

        return new NimbusLocation(root, executable);
    }

    private static string? RepositoryRootOf(string start)
    {
        for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Nimbus.slnx")))
            {
                return dir.FullName;
            }
        }

        return null;
    }
}
