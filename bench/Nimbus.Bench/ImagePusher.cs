// SPDX-License-Identifier: Apache-2.0
using System.Diagnostics;
using System.Formats.Tar;
using System.IO.Compression;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Nimbus.Bench;

/// <summary>
/// Builds a one-layer OCI image in memory and pushes it to Nimbus's registry by the distribution API (monolithic
/// blob uploads, then the manifest), with the ECR token of GetAuthorizationToken; the bench's stand-in for skopeo.
/// </summary>
internal sealed class ImagePusher(HttpClient signed, Uri registry)
{
    private readonly HttpClient _registry = HttpClients.Create(registry);

    /// <summary>The C runtime of the image tests, compiled statically (gcc -static) into a temporary file.</summary>
    public static async Task<byte[]> CompileBootstrapAsync(string repositoryRoot, CancellationToken cancellationToken)
    {
        var source = Path.Combine(repositoryRoot, "tests", "Nimbus.EndToEnd.Tests", "Scripts", "images", "bootstrap.c");
        var output = Path.Combine(Path.GetTempPath(), $"nimbus-bench-bootstrap-{Environment.ProcessId}");
        var start = new ProcessStartInfo("gcc") { UseShellExecute = false };
        foreach (var argument in (string[])["-static", "-O2", "-o", output, source])
        {
            start.ArgumentList.Add(argument);
        }

        using var gcc = Process.Start(start) ?? throw new InvalidOperationException("cannot start gcc");
        await gcc.WaitForExitAsync(cancellationToken);
        if (gcc.ExitCode != 0)
        {
            throw new InvalidOperationException($"gcc exited with {gcc.ExitCode}");
        }

        var bytes = await File.ReadAllBytesAsync(output, cancellationToken);
        File.Delete(output);
        return bytes;
    }

    /// <summary>A gzipped tar layer of the given files (path, content, mode).</summary>
    public static byte[] Layer(IEnumerable<(string Path, byte[] Content, UnixFileMode Mode)> files, CompressionLevel level = CompressionLevel.Fastest)
    {
        using var output = new MemoryStream();
        using (var gzip = new GZipStream(output, level, leaveOpen: true))
        using (var tar = new TarWriter(gzip, TarEntryFormat.Pax, leaveOpen: true))
        {
            foreach (var (path, content, mode) in files)
            {
                tar.WriteEntry(new PaxTarEntry(TarEntryType.RegularFile, path) { Mode = mode, DataStream = new MemoryStream(content) });
            }
        }

        return output.ToArray();
    }

    public async Task CreateRepositoryAsync(string name, CancellationToken cancellationToken)
    {
        using var response = await EcrAsync("CreateRepository", $$"""{"repositoryName":"{{name}}"}""", cancellationToken);
    }

    /// <summary>Pushes the layers and a config running <paramref name="entryPoint"/>; returns the manifest's digest.</summary>
    public async Task<string> PushAsync(string repository, string tag, IReadOnlyList<byte[]> layers, string[] entryPoint, CancellationToken cancellationToken)
    {
        var token = await TokenAsync(cancellationToken);
        var layerDescriptors = new JsonArray();
        foreach (var layer in layers)
        {
            layerDescriptors.Add(await UploadAsync(repository, layer, "application/vnd.oci.image.layer.v1.tar+gzip", token, cancellationToken));
        }

        var config = JsonSerializer.SerializeToUtf8Bytes(new JsonObject
        {
            ["architecture"] = "amd64",
            ["os"] = "linux",
            ["config"] = new JsonObject { ["Entrypoint"] = new JsonArray([.. entryPoint.Select(e => JsonValue.Create(e))]), ["WorkingDir"] = "/var/task" },
            ["rootfs"] = new JsonObject { ["type"] = "layers", ["diff_ids"] = new JsonArray() },
        });
        var manifest = Encoding.UTF8.GetBytes(new JsonObject
        {
            ["schemaVersion"] = 2,
            ["mediaType"] = "application/vnd.oci.image.manifest.v1+json",
            ["config"] = await UploadAsync(repository, config, "application/vnd.oci.image.config.v1+json", token, cancellationToken),
            ["layers"] = layerDescriptors,
        }.ToJsonString());
        using var request = new HttpRequestMessage(HttpMethod.Put, $"/v2/{repository}/manifests/{tag}") { Content = new ByteArrayContent(manifest) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/vnd.oci.image.manifest.v1+json");
        request.Headers.Authorization = token;
        using var response = await _registry.SendAsync(request, cancellationToken);
        response.EnsureSuccessStatusCode();
        return Digest(manifest);
    }

    /// <summary>Downloads every blob of an image as a client pulls it (manifest, config, layers); returns the bytes read.</summary>
    public async Task<long> PullAsync(string repository, string tag, CancellationToken cancellationToken)
    {
        var token = await TokenAsync(cancellationToken);
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/v2/{repository}/manifests/{tag}");
        request.Headers.Authorization = token;
        using var response = await _registry.SendAsync(request, cancellationToken);
        response.EnsureSuccessStatusCode();
        using var manifest = JsonDocument.Parse(await response.Content.ReadAsByteArrayAsync(cancellationToken));
        long total = 0;
        var digests = new List<string> { manifest.RootElement.GetProperty("config").GetProperty("digest").GetString()! };
        digests.AddRange(manifest.RootElement.GetProperty("layers").EnumerateArray().Select(l => l.GetProperty("digest").GetString()!));
        var buffer = new byte[1024 * 1024];
        foreach (var digest in digests)
        {
            using var blob = new HttpRequestMessage(HttpMethod.Get, $"/v2/{repository}/blobs/{digest}");
            blob.Headers.Authorization = token;
            using var answer = await _registry.SendAsync(blob, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
            answer.EnsureSuccessStatusCode();
            await using var stream = await answer.Content.ReadAsStreamAsync(cancellationToken);
            int read;
            while ((read = await stream.ReadAsync(buffer, cancellationToken)) > 0)
            {
                total += read;
            }
        }

        return total;
    }

    private async Task<JsonObject> UploadAsync(string repository, byte[] blob, string mediaType, AuthenticationHeaderValue token, CancellationToken cancellationToken)
    {
        var digest = Digest(blob);
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/v2/{repository}/blobs/uploads/?digest={digest}") { Content = new ByteArrayContent(blob) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        request.Headers.Authorization = token;
        using var response = await _registry.SendAsync(request, cancellationToken);
        response.EnsureSuccessStatusCode();
        return new JsonObject { ["mediaType"] = mediaType, ["digest"] = digest, ["size"] = blob.Length };
    }

    private async Task<AuthenticationHeaderValue> TokenAsync(CancellationToken cancellationToken)
    {
        using var response = await EcrAsync("GetAuthorizationToken", "{}", cancellationToken);
        using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync(cancellationToken));
        var basic = document.RootElement.GetProperty("authorizationData")[0].GetProperty("authorizationToken").GetString();
        return new AuthenticationHeaderValue("Basic", basic);
    }

    private async Task<HttpResponseMessage> EcrAsync(string operation, string body, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/") { Content = new StringContent(body, Encoding.UTF8) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/x-amz-json-1.1");
        request.Headers.TryAddWithoutValidation("X-Amz-Target", "AmazonEC2ContainerRegistry_V20150921." + operation);
        var response = await signed.SendAsync(request, cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            var text = await response.Content.ReadAsStringAsync(cancellationToken);
            response.Dispose();
            throw new InvalidOperationException($"ECR {operation}: {text}");
        }

        return response;
    }

    private static string Digest(byte[] content) => "sha256:" + Convert.ToHexStringLower(SHA256.HashData(content));
}
