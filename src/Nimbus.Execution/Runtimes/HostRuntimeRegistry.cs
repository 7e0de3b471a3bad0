// SPDX-License-Identifier: Apache-2.0
using System.Diagnostics;
using System.Globalization;
using Nimbus.Core.Runtimes;

namespace Nimbus.Execution.Runtimes;

/// <summary>
/// Finds, once at start, the interpreters on this host that run Lambda's runtimes: python3.9–3.13 (pyenv's
/// versions first, then /usr/local and /usr), the installed Node.js as nodejs&lt;major&gt;.x, a JDK 17 as java17, and the OS-only
/// provided.al2 / provided.al2023. Interpreters are recorded by their real path (not pyenv's shims, which add
/// tens of milliseconds to every start). Every Python runtime gets the AWS SDK from Debian's python3-boto3, when
/// installed: pure Python, so one copy serves every interpreter (docs/runtimes.md).
/// </summary>
public sealed class HostRuntimeRegistry : IRuntimeRegistry
{
    private readonly Dictionary<string, HostRuntime> _runtimes;

    public HostRuntimeRegistry(IReadOnlyDictionary<string, HostRuntime> runtimes)
    {
        _runtimes = new Dictionary<string, HostRuntime>(runtimes, StringComparer.Ordinal);
        var supported = new List<string>(_runtimes.Keys);
        supported.Sort(StringComparer.Ordinal);
        Supported = supported;
    }

    public IReadOnlyList<string> Supported { get; }

    public HostRuntime? Find(string runtime) => _runtimes.GetValueOrDefault(runtime);

    public static HostRuntimeRegistry Probe()
    {
        var found = new Dictionary<string, HostRuntime>(StringComparer.Ordinal);
        var sdk = FindPythonSdk();
        for (var minor = 9; minor <= 13; minor++)
        {
            var id = $"python3.{minor}";
            if (FindPython(minor) is { } python)
            {
                found[id] = new HostRuntime(id, "python", python, Path.GetDirectoryName(Path.GetDirectoryName(python)), sdk);
            }
        }

        if (FindOnPath("node") is { } node && NodeMajor(node) is { } major)
        {
            var id = $"nodejs{major}.x";
            if (RuntimeCatalog.IsModelValue(id))
            {
                found[id] = new HostRuntime(id, "nodejs", node, Path.GetDirectoryName(Path.GetDirectoryName(node)));
            }
        }

        if (JavaHome.Find(17) is { } jdk17)
        {
            found["java17"] = new HostRuntime("java17", "java", Path.Combine(jdk17, "bin", "java"), jdk17);
        }

        foreach (var id in (ReadOnlySpan<string>)["provided.al2", "provided.al2023"])
        {
            found[id] = new HostRuntime(id, "provided", null, null);
        }

        return new HostRuntimeRegistry(found);
    }

    private static string? FindPython(int minor)
    {
        var root = Environment.GetEnvironmentVariable("PYENV_ROOT")
            ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".pyenv");
        var versions = Path.Combine(root, "versions");
        if (Directory.Exists(versions))
        {
            var candidates = Directory.GetDirectories(versions, $"3.{minor}.*");
            Array.Sort(candidates, CompareVersions);
            for (var i = candidates.Length - 1; i >= 0; i--)
            {
                var path = Path.Combine(candidates[i], "bin", $"python3.{minor}");
                if (File.Exists(path))
                {
                    return path;
                }
            }
        }

        foreach (var dir in (ReadOnlySpan<string>)["/usr/local/bin", "/usr/bin"])
        {
            var path = Path.Combine(dir, $"python3.{minor}");
            if (File.Exists(path))
            {
                return path;
            }
        }

        return null;
    }

    /// <summary>Debian's python3-boto3 and python3-botocore install here, for every Python 3 the system has.</summary>
    private const string DebianPythonSdk = "/usr/lib/python3/dist-packages";

    private static string? FindPythonSdk() =>
        File.Exists(Path.Combine(DebianPythonSdk, "boto3", "__init__.py")) && File.Exists(Path.Combine(DebianPythonSdk, "botocore", "__init__.py"))
            ? DebianPythonSdk
            : null;

    /// <summary>One line for the server's start: the boto3 and botocore every Python runtime gets, or how to get them.</summary>
    public static string DescribePythonSdk()
    {
        if (FindPythonSdk() is not { } sdk)
        {
            return "Python SDK: none; Python functions cannot import boto3 (as root: apt-get install -y python3-boto3)";
        }

        return $"Python SDK: boto3 {PackageVersion(sdk, "boto3")}, botocore {PackageVersion(sdk, "botocore")} ({sdk}) for every Python runtime";
    }

    /// <summary>The <c>__version__ = '1.26.27'</c> line of a package's __init__.py.</summary>
    private static string PackageVersion(string directory, string package)
    {
        foreach (var line in File.ReadLines(Path.Combine(directory, package, "__init__.py")))
        {
            if (line.StartsWith("__version__", StringComparison.Ordinal) && line.Split('=', 2) is [_, var value])
            {
                return value.Trim().Trim('\'', '"');
            }
        }

        return "(version unknown)";
    }

    private static int CompareVersions(string a, string b)
    {
        static int Patch(string dir) =>
            int.TryParse(Path.GetFileName(dir).Split('.')[^1], NumberStyles.None, CultureInfo.InvariantCulture, out var patch) ? patch : -1;
        return Patch(a).CompareTo(Patch(b));
    }

    private static string? FindOnPath(string name)
    {
        var path = Environment.GetEnvironmentVariable("PATH") ?? "";
        foreach (var dir in path.Split(':', StringSplitOptions.RemoveEmptyEntries))
        {
            if (dir.Contains("shims", StringComparison.Ordinal))
            {
                continue;
            }

            var candidate = Path.Combine(dir, name);
            if (File.Exists(candidate))
            {
                return new FileInfo(candidate).ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? candidate;
            }
        }

        return null;
    }

    private static int? NodeMajor(string node)
    {
        try
        {
            var start = new ProcessStartInfo(node, "--version") { RedirectStandardOutput = true, UseShellExecute = false };
            start.Environment.Remove("NODE_EXTRA_CA_CERTS");
            using var process = Process.Start(start);
            if (process is null)
            {
                return null;
            }

            var output = process.StandardOutput.ReadToEnd().Trim();
            process.WaitForExit(5000);
            var dot = output.IndexOf('.', StringComparison.Ordinal);
            return output.StartsWith('v') && dot > 1 && int.TryParse(output.AsSpan(1, dot - 1), NumberStyles.None, CultureInfo.InvariantCulture, out var major)
                ? major
                : null;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return null;
        }
    }
}
