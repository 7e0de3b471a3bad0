// SPDX-License-Identifier: Apache-2.0
using System.Diagnostics;
using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;

namespace Nimbus.Execution.Runtimes;

/// <summary>
/// Compiles Nimbus's Java runtime client (lambda-runtimes/java/**/*.java, JDK standard library only) with the host
/// JDK's javac on first use, into &lt;cache&gt;/java-client-&lt;hash of the sources and of the JDK's build&gt;/: the
/// client as a JAR (class data sharing archives classes from JARs only) and its class-data-sharing archive
/// (<see cref="JavaClassArchive"/>). Compiled classes are never shipped, and a changed client or JDK makes both again.
/// The directory is written under a temporary name and renamed, so a concurrent first use (another server on the same
/// data directory) sees it whole or not at all; the archive is added after the rename, for it records the JAR's path.
/// </summary>
internal static class JavaRuntimeClient
{
    /// <summary>The class the JVM starts (runtimes/java/nimbus/lambda/Bootstrap.java).</summary>
    public const string MainClass = "nimbus.lambda.Bootstrap";

    /// <summary>The client's classes, in the directory <see cref="EnsureCompiledAsync"/> returns.</summary>
    public const string JarName = "nimbus-runtime.jar";

    /// <summary>The client's class-data-sharing archive beside the JAR, when one could be made.</summary>
    public const string ArchiveName = "nimbus-runtime.jsa";

    /// <summary>Where the compiled sources keep the archive's training handler (runtimes/java/nimbus/training), kept out of the JAR.</summary>
    private const string TrainingPackage = "nimbus/training";

    /// <summary>Bumped when the directory's layout changes, so an older layout is never taken for this one.</summary>
    private const string Layout = "jar+jsa 1";

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
        hash.AppendData(Encoding.UTF8.GetBytes(Layout));
        hash.AppendData(Encoding.UTF8.GetBytes(jdkHome));
        // The archive holds the JDK's own classes too: another build of the JDK at the same path must not use it.
        foreach (var file in (ReadOnlySpan<string>)["release", "lib/server/libjvm.so", "lib/modules", "lib/server/classes.jsa"])
        {
            var info = new FileInfo(Path.Combine(jdkHome, file));
            if (info.Exists)
            {
                hash.AppendData(Encoding.UTF8.GetBytes($"{file} {info.Length} {info.LastWriteTimeUtc.Ticks}"));
            }
        }

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

        await CompileAsync(jdkHome, sources, directory, cancellationToken);
        await JavaClassArchive.MakeAsync(jdkHome, directory, cancellationToken);
        return directory;
    }

    /// <summary>Compiles the sources into <paramref name="directory"/>'s JAR and its training handler beside it.</summary>
    private static async Task CompileAsync(string jdkHome, string[] sources, string directory, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(directory)!); // A path under the cache directory.
        var temporary = directory + ".tmp-" + Guid.NewGuid().ToString("N");
        var classes = Path.Combine(temporary, "classes");
        try
        {
            var start = new ProcessStartInfo(Path.Combine(jdkHome, "bin", "javac"))
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            // String concatenation compiled inline, not through invokedynamic: its bootstrap costs a cold start milliseconds.
            foreach (var argument in (ReadOnlySpan<string>)["--release", "17", "-encoding", "UTF-8", "-nowarn", "-XDstringConcat=inline", "-d", classes])
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

            Directory.CreateDirectory(Path.Combine(temporary, JavaClassArchive.TrainingDirectory, "nimbus"));
            Directory.Move(Path.Combine(classes, TrainingPackage), Path.Combine(temporary, JavaClassArchive.TrainingDirectory, TrainingPackage));
            await ZipFile.CreateFromDirectoryAsync(classes, Path.Combine(temporary, JarName), CompressionLevel.NoCompression, includeBaseDirectory: false, cancellationToken);
            Directory.Delete(classes, recursive: true);

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
    }
}
