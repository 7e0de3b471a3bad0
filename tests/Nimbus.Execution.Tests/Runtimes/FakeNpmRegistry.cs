// SPDX-License-Identifier: Apache-2.0
using System.Formats.Tar;
using System.IO.Compression;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using Nimbus.Execution.Runtimes;

namespace Nimbus.Execution.Tests.Runtimes;

/// <summary>
/// An npm registry serving the platform package's packument and tarballs whose bin/node is a shell script printing a
/// version; counts tarball downloads, can lie about a tarball's integrity or its node's version, or be unreachable.
/// </summary>
internal sealed class FakeNpmRegistry : HttpMessageHandler
{
    private readonly Dictionary<string, byte[]> _tarballs = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _integrity = new(StringComparer.Ordinal);
    private int _downloads;

    public static readonly Uri Address = new("http://registry.test/");

    public bool Unreachable { get; set; }

    public int Downloads => Volatile.Read(ref _downloads);

    /// <summary>Publishes a version whose node prints <paramref name="reports"/> (its own version by default).</summary>
    public void Publish(string version, string? reports = null, bool corruptIntegrity = false)
    {
        var tarball = Tarball($"#!/bin/sh\necho v{reports ?? version}\n");
        _tarballs[version] = tarball;
        var hash = SHA512.HashData(corruptIntegrity ? [.. tarball, 0] : tarball);
        _integrity[version] = "sha512-" + Convert.ToBase64String(hash);
    }

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (Unreachable)
        {
            throw new HttpRequestException("Connection refused (registry.test:80)");
        }

        await Task.Yield();
        var path = request.RequestUri!.AbsolutePath;
        if (path == "/" + NpmNodeDistribution.PackageName)
        {
            var versions = new StringBuilder();
            foreach (var (version, integrity) in _integrity)
            {
                versions.Append(versions.Length > 0 ? "," : "").Append(
                    $"\"{version}\":{{\"version\":\"{version}\",\"dist\":{{\"integrity\":\"{integrity}\",\"tarball\":\"{Address}{NpmNodeDistribution.PackageName}/-/{version}.tgz\"}}}}");
            }

            return new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent($"{{\"versions\":{{{versions}}}}}") };
        }

        var name = Path.GetFileName(path);
        if (name.EndsWith(".tgz", StringComparison.Ordinal) && _tarballs.TryGetValue(name[..^4], out var bytes))
        {
            Interlocked.Increment(ref _downloads);
            return new HttpResponseMessage(HttpStatusCode.OK) { Content = new ByteArrayContent(bytes) };
        }

        return new HttpResponseMessage(HttpStatusCode.NotFound);
    }

    private static byte[] Tarball(string script)
    {
        using var buffer = new MemoryStream();
        using (var gzip = new GZipStream(buffer, CompressionLevel.Fastest, leaveOpen: true))
        using (var tar = new TarWriter(gzip))
        {
            tar.WriteEntry(new PaxTarEntry(TarEntryType.Directory, "package/bin/"));
            var node = new PaxTarEntry(TarEntryType.RegularFile, "package/bin/node")
            {
                Mode = (UnixFileMode)0b111_101_101,
                DataStream = new MemoryStream(Encoding.UTF8.GetBytes(script)),
            };
            tar.WriteEntry(node);
            tar.WriteEntry(new PaxTarEntry(TarEntryType.RegularFile, "package/README.md") { DataStream = new MemoryStream("node"u8.ToArray()) });
        }

        return buffer.ToArray();
    }
}
