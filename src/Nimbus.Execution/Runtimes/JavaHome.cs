// SPDX-License-Identifier: Apache-2.0
using System.Globalization;

namespace Nimbus.Execution.Runtimes;

/// <summary>Finds a host JDK of one feature version: JAVA_HOME, then /usr/lib/jvm (Debian's openjdk-N-jdk), then the java on PATH.</summary>
internal static class JavaHome
{
    /// <summary>The JDK's home directory (bin/java and bin/javac), by its <c>release</c> file's JAVA_VERSION, or null.</summary>
    public static string? Find(int feature)
    {
        List<string> candidates = [];
        if (Environment.GetEnvironmentVariable("JAVA_HOME") is { Length: > 0 } home)
        {
            candidates.Add(home);
        }

        if (Directory.Exists("/usr/lib/jvm"))
        {
            var installed = Directory.GetDirectories("/usr/lib/jvm");
            Array.Sort(installed, StringComparer.Ordinal);
            foreach (var directory in installed)
            {
                // Debian's java-17-openjdk-amd64 has two symlinked aliases; the real directory is enough.
                if (new DirectoryInfo(directory).LinkTarget is null)
                {
                    candidates.Add(directory);
                }
            }
        }

        if (File.Exists("/usr/bin/java") && new FileInfo("/usr/bin/java").ResolveLinkTarget(returnFinalTarget: true) is { } java)
        {
            candidates.Add(Path.GetDirectoryName(Path.GetDirectoryName(java.FullName)!)!);
        }

        foreach (var candidate in candidates)
        {
            if (File.Exists(Path.Combine(candidate, "bin", "java")) && File.Exists(Path.Combine(candidate, "bin", "javac"))
                && Feature(candidate) == feature)
            {
                return candidate;
            }
        }

        return null;
    }

    /// <summary>JAVA_VERSION="17.0.15" in the JDK's release file → 17.</summary>
    private static int? Feature(string home)
    {
        var release = Path.Combine(home, "release");
        if (!File.Exists(release))
        {
            return null;
        }

        foreach (var line in File.ReadLines(release))
        {
            if (line.StartsWith("JAVA_VERSION=", StringComparison.Ordinal))
            {
                var value = line["JAVA_VERSION=".Length..].Trim('"');
                var end = value.IndexOf('.', StringComparison.Ordinal);
                return int.TryParse(end < 0 ? value : value[..end], NumberStyles.None, CultureInfo.InvariantCulture, out var feature) ? feature : null;
            }
        }

        return null;
    }
}
