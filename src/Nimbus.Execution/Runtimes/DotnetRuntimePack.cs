// SPDX-License-Identifier: Apache-2.0
using System.IO.Compression;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Nimbus.Core.Threading;

namespace Nimbus.Execution.Runtimes;

/// <summary>
/// A .NET runtime the host lacks (dotnet8 beside the server's .NET 10), made on first use into a .NET root of its own
/// under &lt;DataDir&gt;/runtimes/dotnet&lt;major&gt;: the host's dotnet muxer and hostfxr (which run any older
/// framework), and shared/Microsoft.NETCore.App/&lt;version&gt; from NuGet's runtime pack
/// Microsoft.NETCore.App.Runtime.linux-x64, newest &lt;major&gt;.0.x release — taken from the NuGet global packages
/// folder when a build already restored it, else downloaded from the NuGet feed once. Built in a scratch directory and
/// renamed into place, so a crash never leaves half a runtime.
/// </summary>
public sealed partial class DotnetRuntimePack(string cacheDirectory, ILogger<DotnetRuntimePack> logger, HttpClient? http = null) : IDisposable
{
    private const string Package = "microsoft.netcore.app.runtime.linux-x64";
    private const string Complete = ".complete";

    /// <summary>NuGet's v3 flat container; NIMBUS_NUGET_FLAT_CONTAINER points elsewhere (a mirror).</summary>
    private static readonly string s_feed = (Environment.GetEnvironmentVariable("NIMBUS_NUGET_FLAT_CONTAINER") ?? "https://api.nuget.org/v3-flatcontainer").TrimEnd('/');

    private readonly SemaphoreSlim _gate = new(1, 1);

    public void Dispose() => _gate.Dispose();

    /// <summary>Where the runtime of <paramref name="major"/> lives once made.</summary>
    public string RootOf(int major) => Path.Combine(cacheDirectory, $"dotnet{major}");

    /// <summary>The .NET root for <paramref name="major"/>, made first if it is not there yet.</summary>
    public async Task<string> EnsureAsync(int major, CancellationToken cancellationToken)
    {
        var root = RootOf(major);
        if (File.Exists(Path.Combine(root, Complete)))
        {
            return root;
        }

        await _gate.WaitAsync(cancellationToken);
        try
        {
            if (File.Exists(Path.Combine(root, Complete)))
            {
                return root;
            }

            var host = DotnetHost.FindRoot() ?? throw new InvalidOperationException("no dotnet muxer on this host to run the runtime pack with");
            Directory.CreateDirectory(cacheDirectory);
            var scratch = Path.Combine(cacheDirectory, $".dotnet{major}-{Guid.NewGuid():N}");
            try
            {
                var version = await FillAsync(scratch, major, cancellationToken);
                CopyHost(host, scratch);
                await File.WriteAllTextAsync(Path.Combine(scratch, Complete), version + "\n", cancellationToken);
                if (Directory.Exists(root))
                {
                    Directory.Delete(root, recursive: true); // An earlier attempt's leftovers, never marked complete.
                }

                Directory.Move(scratch, root);
                Log.Ready(logger, major, version, root);
                return root;
            }
            finally
            {
                if (Directory.Exists(scratch))
                {
                    Directory.Delete(scratch, recursive: true);
                }
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>shared/Microsoft.NETCore.App/&lt;version&gt;/ from the runtime pack's lib and native assets; the version taken.</summary>
    private async Task<string> FillAsync(string scratch, int major, CancellationToken cancellationToken)
    {
        if (LocalPack(major) is { } local)
        {
            var version = Path.GetFileName(local);
            var target = Path.Combine(scratch, "shared", "Microsoft.NETCore.App", version);
            Directory.CreateDirectory(target);
            foreach (var directory in (ReadOnlySpan<string>)[Path.Combine(local, "runtimes", "linux-x64", "lib", $"net{major}.0"), Path.Combine(local, "runtimes", "linux-x64", "native")])
            {
                foreach (var file in Directory.GetFiles(directory))
                {
                    File.Copy(file, Path.Combine(target, Path.GetFileName(file)));
                }
            }

            return version;
        }

        var client = http ?? new HttpClient(new PoolResumingHandler(new SocketsHttpHandler()));
        try
        {
            var latest = await LatestAsync(client, major, cancellationToken);
            Log.Downloading(logger, major, latest, s_feed);
            var url = $"{s_feed}/{Package}/{latest}/{Package}.{latest}.nupkg";
            var archive = Path.Combine(scratch + ".nupkg");
            try
            {
                await using (var download = await client.GetStreamAsync(new Uri(url), cancellationToken))
                await using (var file = File.Create(archive))
                {
                    await download.CopyToAsync(file, cancellationToken);
                }

                var target = Path.Combine(scratch, "shared", "Microsoft.NETCore.App", latest);
                Directory.CreateDirectory(target);
                await using var zip = await ZipFile.OpenReadAsync(archive, cancellationToken);
                var lib = $"runtimes/linux-x64/lib/net{major}.0/";
                const string native = "runtimes/linux-x64/native/";
                foreach (var entry in zip.Entries)
                {
                    var name = entry.FullName;
                    if (entry.Name.Length > 0 && (name.StartsWith(lib, StringComparison.Ordinal) && name.IndexOf('/', lib.Length) < 0
                        || name.StartsWith(native, StringComparison.Ordinal) && name.IndexOf('/', native.Length) < 0))
                    {
                        await entry.ExtractToFileAsync(Path.Combine(target, entry.Name), cancellationToken);
                    }
                }

                return latest;
            }
            finally
            {
                File.Delete(archive);
            }
        }
        finally
        {
            if (http is null)
            {
                client.Dispose();
            }
        }
    }

    /// <summary>The newest <paramref name="major"/>.0.x release (no previews) the feed lists.</summary>
    private static async Task<string> LatestAsync(HttpClient client, int major, CancellationToken cancellationToken)
    {
        await using var index = await client.GetStreamAsync(new Uri($"{s_feed}/{Package}/index.json"), cancellationToken);
        using var document = await JsonDocument.ParseAsync(index, cancellationToken: cancellationToken);
        Version? best = null;
        foreach (var item in document.RootElement.GetProperty("versions").EnumerateArray())
        {
            if (item.GetString() is { } text && !text.Contains('-', StringComparison.Ordinal) && Version.TryParse(text, out var version)
                && version.Major == major && version.Minor == 0 && (best is null || version > best))
            {
                best = version;
            }
        }

        return best?.ToString() ?? throw new InvalidOperationException($"{s_feed} lists no {Package} {major}.0.x release");
    }

    /// <summary>The newest <paramref name="major"/>.0.x runtime pack in NuGet's global packages folder, if a build restored one.</summary>
    private static string? LocalPack(int major)
    {
        var packages = Environment.GetEnvironmentVariable("NUGET_PACKAGES")
            ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        var directory = Path.Combine(packages, Package);
        if (!Directory.Exists(directory))
        {
            return null;
        }

        string? best = null;
        Version? bestVersion = null;
        foreach (var candidate in Directory.GetDirectories(directory, $"{major}.0.*"))
        {
            if (Version.TryParse(Path.GetFileName(candidate), out var version) && (bestVersion is null || version > bestVersion)
                && Directory.Exists(Path.Combine(candidate, "runtimes", "linux-x64", "native")))
            {
                (best, bestVersion) = (candidate, version);
            }
        }

        return best;
    }

    /// <summary>The host's dotnet muxer and newest hostfxr: they start any framework at least as old as their own.</summary>
    private static void CopyHost(string host, string scratch)
    {
        var muxer = Path.Combine(scratch, "dotnet");
        File.Copy(Path.Combine(host, "dotnet"), muxer);
        File.SetUnixFileMode(muxer, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupRead
            | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
        string? newest = null;
        foreach (var candidate in Directory.GetDirectories(Path.Combine(host, "host", "fxr")))
        {
            if (newest is null || Version.TryParse(Path.GetFileName(candidate).Split('-')[0], out var a)
                && Version.TryParse(Path.GetFileName(newest).Split('-')[0], out var b) && a > b)
            {
                newest = candidate;
            }
        }

        if (newest is null)
        {
            throw new InvalidOperationException($"{host}/host/fxr is empty");
        }

        var fxr = Path.Combine(scratch, "host", "fxr", Path.GetFileName(newest));
        Directory.CreateDirectory(fxr);
        File.Copy(Path.Combine(newest, "libhostfxr.so"), Path.Combine(fxr, "libhostfxr.so"));
    }

    private static partial class Log
    {
        [LoggerMessage(Level = LogLevel.Information, Message = "dotnet{Major}: downloading Microsoft.NETCore.App.Runtime.linux-x64 {Version} from {Feed}")]
        public static partial void Downloading(ILogger logger, int major, string version, string feed);

        [LoggerMessage(Level = LogLevel.Information, Message = "dotnet{Major}: .NET {Version} ready in {Root}")]
        public static partial void Ready(ILogger logger, int major, string version, string root);
    }
}
