// SPDX-License-Identifier: Apache-2.0
using System.Globalization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Nimbus.Core.Images;
using Nimbus.Core.Storage;

namespace Nimbus.Api.Registry;

/// <summary>
/// Blobs: GET/HEAD by digest, and uploads (POST to start, or monolithic with <c>?digest=</c>; PATCH chunks, in order;
/// PUT with <c>?digest=</c> to finish, the digest checked; GET for the progress; DELETE to cancel; a cross-repository
/// <c>?mount=</c> of a blob the registry holds).
/// </summary>
internal static class RegistryBlobs
{
    public static async Task ServeAsync(RegistryCall call, string digest)
    {
        var blobs = call.Registry.Blobs;
        if (!ImageRules.IsSha256Digest(digest))
        {
            throw OciException.DigestInvalid($"invalid digest {digest}");
        }

        var stream = blobs.OpenRead(digest) ?? throw OciException.BlobUnknown(digest);
        await using (stream)
        {
            var response = call.Response;
            response.ContentType = "application/octet-stream";
            response.ContentLength = stream.Length;
            response.Headers[RegistryProtocol.ContentDigestHeader] = digest;
            response.Headers.AcceptRanges = "bytes";
            if (HttpMethods.IsGet(call.Request.Method))
            {
                await stream.CopyToAsync(response.Body, 1024 * 1024, call.Aborted);
            }
        }
    }

    public static async Task UploadAsync(RegistryCall call, string uploadId)
    {
        var request = call.Request;
        var blobs = call.Registry.Blobs;
        if (request.HttpContext.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
        {
            // Layers are as large as images are (ECR takes layers up to 52,000 MiB).
            limit.MaxRequestBodySize = null;
        }

        if (HttpMethods.IsPost(request.Method))
        {
            await StartAsync(call);
            return;
        }

        if (uploadId.Length == 0)
        {
            throw OciException.UploadUnknown();
        }

        if (HttpMethods.IsDelete(request.Method))
        {
            if (blobs.GetUploadSize(uploadId) is null)
            {
                throw OciException.UploadUnknown();
            }

            blobs.CancelUpload(uploadId);
            call.Response.StatusCode = StatusCodes.Status204NoContent;
            return;
        }

        var size = blobs.GetUploadSize(uploadId) ?? throw OciException.UploadUnknown();
        if (HttpMethods.IsGet(request.Method))
        {
            Accepted(call, uploadId, size, StatusCodes.Status204NoContent);
            return;
        }

        if (HttpMethods.IsPatch(request.Method))
        {
            // A chunk must continue where the upload stands: Content-Range "<start>-<end>".
            if (request.Headers.ContentRange.ToString() is { Length: > 0 } range
                && (!long.TryParse(range.AsSpan(0, Math.Max(0, range.IndexOf('-', StringComparison.Ordinal))), NumberStyles.None, CultureInfo.InvariantCulture, out var start) || start != size))
            {
                call.Response.Headers.Range = RangeOf(size);
                throw new OciException("BLOB_UPLOAD_INVALID", $"the chunk must start at byte {size.ToString(CultureInfo.InvariantCulture)}", StatusCodes.Status416RangeNotSatisfiable);
            }

            size = await blobs.AppendAsync(uploadId, request.Body, call.Aborted) ?? throw OciException.UploadUnknown();
            Accepted(call, uploadId, size, StatusCodes.Status202Accepted);
            return;
        }

        await FinishAsync(call, uploadId, request.Query["digest"].ToString());
    }

    private static async Task StartAsync(RegistryCall call)
    {
        var request = call.Request;
        var blobs = call.Registry.Blobs;
        var mount = request.Query["mount"].ToString();
        if (mount.Length > 0 && ImageRules.IsSha256Digest(mount) && blobs.GetSize(mount) is not null)
        {
            Created(call, mount);
            return;
        }

        var id = blobs.StartUpload();
        var digest = request.Query["digest"].ToString();
        if (digest.Length > 0)
        {
            await FinishAsync(call, id, digest);
            return;
        }

        Accepted(call, id, 0, StatusCodes.Status202Accepted);
    }

    private static async Task FinishAsync(RegistryCall call, string uploadId, string digest)
    {
        var blobs = call.Registry.Blobs;
        if (call.Request.ContentLength is > 0 || call.Request.Headers.TransferEncoding.Count > 0)
        {
            _ = await blobs.AppendAsync(uploadId, call.Request.Body, call.Aborted) ?? throw OciException.UploadUnknown();
        }

        if (!ImageRules.IsSha256Digest(digest))
        {
            throw OciException.DigestInvalid($"invalid or unsupported digest '{digest}' (sha256 only)");
        }

        switch (await blobs.CompleteAsync(uploadId, digest, call.Aborted))
        {
            case BlobCommit.UnknownUpload:
                throw OciException.UploadUnknown();
            case BlobCommit.DigestMismatch:
                blobs.CancelUpload(uploadId);
                throw OciException.DigestInvalid($"the uploaded content does not match the digest {digest}");
        }

        Created(call, digest);
    }

    private static void Created(RegistryCall call, string digest)
    {
        var response = call.Response;
        response.StatusCode = StatusCodes.Status201Created;
        response.Headers.Location = $"{call.Prefix}/blobs/{digest}";
        response.Headers[RegistryProtocol.ContentDigestHeader] = digest;
        response.ContentLength = 0;
    }

    private static void Accepted(RegistryCall call, string uploadId, long size, int status)
    {
        var response = call.Response;
        response.StatusCode = status;
        response.Headers.Location = $"{call.Prefix}/blobs/uploads/{uploadId}";
        response.Headers.Range = RangeOf(size);
        response.Headers[RegistryProtocol.UploadUuidHeader] = uploadId;
        response.ContentLength = 0;
    }

    /// <summary>The bytes received, as the spec writes them: <c>0-&lt;last&gt;</c> (<c>0-0</c> before any).</summary>
    private static string RangeOf(long size) => "0-" + Math.Max(0, size - 1).ToString(CultureInfo.InvariantCulture);
}
