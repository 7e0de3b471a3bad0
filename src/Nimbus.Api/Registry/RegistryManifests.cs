// SPDX-License-Identifier: Apache-2.0
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Nimbus.Core.Images;

namespace Nimbus.Api.Registry;

/// <summary>Manifests (GET/HEAD/PUT/DELETE by tag or digest) and the tag list.</summary>
internal static class RegistryManifests
{
    public static async Task HandleAsync(RegistryCall call, string reference)
    {
        var method = call.Request.Method;
        if (HttpMethods.IsPut(method))
        {
            var content = await ReadAsync(call);
            var digest = await call.Registry.PutManifestAsync(call.Scope, call.Repository, reference, content, call.Request.ContentType, call.Aborted);
            var response = call.Response;
            response.StatusCode = StatusCodes.Status201Created;
            response.Headers.Location = $"{call.Prefix}/manifests/{digest}";
            response.Headers[RegistryProtocol.ContentDigestHeader] = digest;
            response.ContentLength = 0;
            return;
        }

        if (HttpMethods.IsDelete(method))
        {
            var id = reference.Contains(':', StringComparison.Ordinal) ? new ImageId(reference, null) : new ImageId(null, reference);
            _ = await call.Registry.DeleteImageAsync(call.Scope, call.Repository.Name, id, call.Aborted) ?? throw OciException.ManifestUnknown(reference);
            call.Response.StatusCode = StatusCodes.Status202Accepted;
            call.Response.ContentLength = 0;
            return;
        }

        var manifest = await call.Registry.GetManifestAsync(call.Scope, call.Repository.Name, reference, call.Aborted)
            ?? throw OciException.ManifestUnknown(reference);
        var answer = call.Response;
        answer.ContentType = manifest.MediaType;
        answer.ContentLength = manifest.Content.Length;
        answer.Headers[RegistryProtocol.ContentDigestHeader] = manifest.Digest;
        answer.Headers.ETag = $"\"{manifest.Digest}\"";
        if (HttpMethods.IsGet(method))
        {
            await answer.Body.WriteAsync(manifest.Content, call.Aborted);
        }
    }

    public static async Task ListTagsAsync(RegistryCall call)
    {
        var tags = new List<string>();
        foreach (var manifest in await call.Registry.ListManifestsAsync(call.Scope, call.Repository.Name, call.Aborted))
        {
            tags.AddRange(manifest.Tags);
        }

        tags.Sort(StringComparer.Ordinal);
        var last = call.Request.Query["last"].ToString();
        if (last.Length > 0)
        {
            tags.RemoveAll(t => string.CompareOrdinal(t, last) <= 0);
        }

        if (int.TryParse(call.Request.Query["n"], out var n) && n >= 0 && n < tags.Count)
        {
            tags.RemoveRange(n, tags.Count - n);
            call.Response.Headers.Link = $"<{call.Prefix}/tags/list?n={n}&last={Uri.EscapeDataString(tags.Count > 0 ? tags[^1] : "")}>; rel=\"next\"";
        }

        var buffer = new System.Buffers.ArrayBufferWriter<byte>(256);
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("name", call.Repository.Name);
            json.WriteStartArray("tags");
            foreach (var tag in tags)
            {
                json.WriteStringValue(tag);
            }

            json.WriteEndArray();
            json.WriteEndObject();
        }

        call.Response.ContentType = "application/json";
        call.Response.ContentLength = buffer.WrittenCount;
        await call.Response.Body.WriteAsync(buffer.WrittenMemory, call.Aborted);
    }

    private static async Task<byte[]> ReadAsync(RegistryCall call)
    {
        if (call.Request.ContentLength > ImageRegistry.MaxManifestBytes)
        {
            throw OciException.ManifestInvalid("the manifest is larger than 4 MiB");
        }

        using var buffer = new MemoryStream();
        await call.Request.Body.CopyToAsync(buffer, call.Aborted);
        if (buffer.Length > ImageRegistry.MaxManifestBytes)
        {
            throw OciException.ManifestInvalid("the manifest is larger than 4 MiB");
        }

        return buffer.ToArray();
    }
}
