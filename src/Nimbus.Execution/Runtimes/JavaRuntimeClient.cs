// SPDX-License-Identifier: Apache-2.0
using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;

namespace Nimbus.Execution.Runtimes;

/// <summary>
/// Compiles Nimbus's Java runtime client (lambda-runtimes/java/**/*.java, JDK standard library only) with the host
/// JDK's javac on first use, into &lt;cache&gt;/java-client-&lt;hash of the sources&gt;/: compiled classes are never
/// shipped, and a changed client compiles once again. The directory is written under a temporary name and renamed,
/// so a concurrent first use (another server on the same data directory) sees it whole or not at all.
/// </summary>
internal static class JavaRuntimeClient
{
    /// <summary>The class the JVM starts (runtimes/java/nimbus/lambda/Bootstrap.java).</summary>
    public const string MainClass = "nimbus.lambda.Bootstrap";

    /// <summary>Returns the directory of the compiled classes, compiling them when needed.</summary>
    public static async Task<string> EnsureCompiledAsync(string jdkHome, string runtimeDirectory, string cacheDirectory, CancellationToken cancellationToken)
    {
        var sourceRoot = Path.Combine(runtimeDirectory, "java");
        var sources = Directory.GetFiles(sourceRoot, "*.java", SearchOption.AllDirectories);
        if (sources.Length == 0)
        {
            throw new InvalidOperationException($"The Java runtime client's sources are missing from {sourceRoot}.");
        }

        Array.Sort(sources, StringComparer.Ordinal);
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        hash.AppendData(Encoding.UTF8.GetBytes(jdkHome));
        foreach (var source in sources)
        {
            hash.AppendData(Encoding.UTF8.GetBytes(Path.GetRelativePath(sourceRoot, source)));
            hash.AppendData(await File.ReadAllBytesAsync(source, cancellationToken));
        }

        var directory = Path.Combine(cacheDirectory, "java-client-" + Convert.ToHexStringLower(hash.GetHashAndReset())[..16]);
        if (Directory.Exists(directory))
        {
            return directory;
        }

        Directory.CreateDirectory(cacheDirectory);
        var temporary = directory + ".tmp-" + Guid.NewGuid().ToString("N");
        try
        {
            var start = new ProcessStartInfo(Path.Combine(jdkHome, "bin", "javac"))
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            // String concatenation compiled inline, not through invokedynamic: its bootstrap costs a cold start milliseconds.
            foreach (var argument in (ReadOnlySpan<string>)["--release", "17", "-encoding", "UTF-8", "-nowarn", "-XDstringConcat=inline", "-d", temporary])
            {
                start.ArgumentList.Add(argument);
            }

            foreach (var source in sources)
            {
                start.ArgumentList.Add(source);
            }

            start.Environment.Remove("JAVA_TOOL_OPTIONS");
            using var javac = Process.Start(start) ?? throw new InvalidOperationException("javac did not start.");
            var output = javac.StandardOutput.ReadToEndAsync(cancellationToken);
            var errors = javac.StandardError.ReadToEndAsync(cancellationToken);
            await javac.WaitForExitAsync(cancellationToken);
            if (javac.ExitCode != 0)
            {
                throw new InvalidOperationException($"javac failed ({javac.ExitCode}): {await output}{await errors}");
            }

            // Readable by the sandbox's user, whatever the server's umask.
            foreach (var path in Directory.EnumerateFileSystemEntries(temporary, "*", SearchOption.AllDirectories).Append(temporary))
            {
                File.SetUnixFileMode(path, Directory.Exists(path)
                    ? UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute
                    : UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
            }

            try
            {
                Directory.Move(temporary, directory);
            }
            catch (IOException) when (Directory.Exists(directory))
            {
                // Another process compiled the same sources first.
            }
        }
        finally
        {
            if (Directory.Exists(temporary))
            {
                Directory.Delete(temporary, recursive: true);
            }
        }

        return directory;
    }
}
