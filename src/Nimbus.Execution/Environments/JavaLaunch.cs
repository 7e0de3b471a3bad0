// SPDX-License-Identifier: Apache-2.0
using System.Globalization;
using Nimbus.Execution.Runtimes;

namespace Nimbus.Execution.Environments;

/// <summary>
/// The JVM's command line for java17, with the flags AWS's java17 runtime starts the JVM with: heap, metaspace and
/// code cache as 85%, 10% and 5% of the function's memory, the serial collector, class data sharing, and tiered
/// compilation stopped at C1 (level 1), which AWS sets by default for Java 17 to shorten cold starts. AWS's
/// bootstrap script is not published; these are the flags its JVM reports. JAVA_TOOL_OPTIONS is read by the JVM
/// itself before the command line, so a default is left out wherever the function's JAVA_TOOL_OPTIONS sets that
/// option: its value wins, as on AWS (e.g. <c>-XX:-TieredCompilation</c> for full JIT). The client runs from its JAR
/// with its class-data-sharing archive when one was made (JavaClassArchive), unless the function's JAVA_TOOL_OPTIONS
/// name an archive of their own or dump one.
/// </summary>
internal static class JavaLaunch
{
    public static void AddArguments(List<string> arguments, int memoryMb, string? javaToolOptions, string clientDirectory, string optDirectory)
    {
        var own = javaToolOptions ?? "";
        var kb = (long)memoryMb * 1024;
        if (!Mentions(own, "MaxHeapSize", "-Xmx", "MaxRAMPercentage", "MaxRAM="))
        {
            arguments.Add(string.Create(CultureInfo.InvariantCulture, $"-XX:MaxHeapSize={kb * 85 / 100}k"));
        }

        if (!Mentions(own, "MaxMetaspaceSize"))
        {
            arguments.Add(string.Create(CultureInfo.InvariantCulture, $"-XX:MaxMetaspaceSize={kb * 10 / 100}k"));
        }

        if (!Mentions(own, "ReservedCodeCacheSize"))
        {
            arguments.Add(string.Create(CultureInfo.InvariantCulture, $"-XX:ReservedCodeCacheSize={kb * 5 / 100}k"));
        }

        if (!Mentions(own, "GC "))
        {
            arguments.Add("-XX:+UseSerialGC");
        }

        if (!Mentions(own, "TieredCompilation", "TieredStopAtLevel"))
        {
            arguments.Add("-XX:+TieredCompilation");
            arguments.Add("-XX:TieredStopAtLevel=1");
        }

        if (!Mentions(own, "-Xshare"))
        {
            arguments.Add("-Xshare:auto");
        }

        // An archive of the function's own (or a dump of one) is left alone; -Xshare:off ignores ours silently.
        var archive = Path.Combine(clientDirectory, JavaRuntimeClient.ArchiveName);
        if (!Mentions(own, "SharedArchiveFile", "ArchiveClassesAtExit", "-Xshare:dump") && File.Exists(archive))
        {
            arguments.Add("-XX:SharedArchiveFile=" + archive);
        }

        if (!Mentions(own, "org.crac.Core.Compat"))
        {
            // As AWS's java runtimes do: the org.crac library a function bundles finds the runtime's CRaC context
            // through this package (runtimes/java/nimbus/crac, docs/java.md#snapstart); without it, with no jdk.crac
            // in the JVM, org.crac drops every registration.
            arguments.Add("-Dorg.crac.Core.Compat=nimbus.crac");
        }

        arguments.Add("-Djava.net.preferIPv4Stack=true");
        arguments.Add("-cp");
        arguments.Add(Path.Combine(clientDirectory, JavaRuntimeClient.JarName));
        arguments.Add(JavaRuntimeClient.MainClass);
        arguments.Add(optDirectory);
    }

    /// <summary>True when any option in <paramref name="options"/> contains one of the names (a collector: "Use…GC").</summary>
    private static bool Mentions(string options, params ReadOnlySpan<string> names)
    {
        foreach (var option in options.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            foreach (var name in names)
            {
                if (name == "GC " ? option.Contains("Use", StringComparison.Ordinal) && option.EndsWith("GC", StringComparison.Ordinal) : option.Contains(name, StringComparison.Ordinal))
                {
                    return true;
                }
            }
        }

        return false;
    }
}
