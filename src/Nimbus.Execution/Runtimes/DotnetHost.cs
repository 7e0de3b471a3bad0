// SPDX-License-Identifier: Apache-2.0
using Nimbus.Core.Runtimes;

namespace Nimbus.Execution.Runtimes;

/// <summary>
/// The host's .NET installation and the managed runtimes it gives: dotnet10 when it has a Microsoft.NETCore.App 10
/// (the server's own), dotnet8 when it has an 8.0 framework, or else from NuGet's runtime pack on first use
/// (<see cref="DotnetRuntimePack"/>; such a runtime is registered without an interpreter until then).
/// </summary>
public static class DotnetHost
{
    public const string Family = "dotnet";

    /// <summary>The managed .NET runtimes Nimbus serves, by id and framework major.</summary>
    public static readonly IReadOnlyList<(string Id, int Major)> Runtimes = [("dotnet8", 8), ("dotnet10", 10)];

    /// <summary>The directory holding the dotnet muxer, host/fxr and shared/: DOTNET_ROOT, else the real directory of dotnet on PATH.</summary>
    public static string? FindRoot()
    {
        var configured = Environment.GetEnvironmentVariable("DOTNET_ROOT");
        if (!string.IsNullOrEmpty(configured) && File.Exists(Path.Combine(configured, "dotnet")))
        {
            return configured;
        }

        foreach (var dir in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries))
        {
            var candidate = Path.Combine(dir, "dotnet");
            if (File.Exists(candidate))
            {
                var real = new FileInfo(candidate).ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? candidate;
                return Path.GetDirectoryName(real);
            }
        }

        return null;
    }

    /// <summary>Adds dotnet8 and dotnet10 to <paramref name="found"/> as this host can run them.</summary>
    public static void Probe(Dictionary<string, HostRuntime> found)
    {
        if (FindRoot() is not { } root || !Directory.Exists(Path.Combine(root, "host", "fxr")))
        {
            return;
        }

        foreach (var (id, major) in Runtimes)
        {
            if (HasFramework(root, major))
            {
                found[id] = new HostRuntime(id, Family, Path.Combine(root, "dotnet"), root);
            }
            else if (major < Environment.Version.Major)
            {
                // The host's muxer and hostfxr run older frameworks: the framework itself comes from NuGet on first use.
                found[id] = new HostRuntime(id, Family, null, null);
            }
        }
    }

    /// <summary>Whether <paramref name="root"/>/shared/Microsoft.NETCore.App has a <paramref name="major"/>.x release.</summary>
    public static bool HasFramework(string root, int major)
    {
        var shared = Path.Combine(root, "shared", "Microsoft.NETCore.App");
        return Directory.Exists(shared) && Directory.GetDirectories(shared, $"{major}.*").Length > 0;
    }

    /// <summary>The runtime client build for a framework major: lambda-runtimes/dotnet/net&lt;major&gt;.0/.</summary>
    public static string ClientDirectory(string runtimeDirectory, int major) => Path.Combine(runtimeDirectory, Family, $"net{major}.0");

    public static int MajorOf(string runtimeId) => int.Parse(runtimeId.AsSpan(Family.Length), System.Globalization.CultureInfo.InvariantCulture);
}
