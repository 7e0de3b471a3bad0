// SPDX-License-Identifier: Apache-2.0
namespace Nimbus.Core.Images;

/// <summary>
/// An error of the OCI distribution API: answered as <c>{"errors":[{"code": Code, "message": ...}]}</c> with
/// <see cref="StatusCode"/> (the spec's codes: MANIFEST_INVALID, DIGEST_INVALID, MANIFEST_BLOB_UNKNOWN ...).
/// </summary>
public sealed class OciException(string code, string message, int statusCode) : Exception(message)
{
    public string Code { get; } = code;

    public int StatusCode { get; } = statusCode;

    public static OciException NameUnknown(string message) => new("NAME_UNKNOWN", message, 404);

    public static OciException ManifestUnknown(string reference) => new("MANIFEST_UNKNOWN", $"Requested image not found", 404) { Reference = reference };

    public static OciException ManifestInvalid(string message) => new("MANIFEST_INVALID", message, 400);

    public static OciException DigestInvalid(string message) => new("DIGEST_INVALID", message, 400);

    public static OciException BlobUnknown(string digest) => new("BLOB_UNKNOWN", $"The blob {digest} does not exist", 404);

    public static OciException ManifestBlobUnknown(string digest) => new("MANIFEST_BLOB_UNKNOWN", $"The blob {digest} the manifest references does not exist in the repository", 400);

    public static OciException UploadUnknown() => new("BLOB_UPLOAD_UNKNOWN", "The upload does not exist", 404);

    public static OciException TagInvalid(string message) => new("TAG_INVALID", message, 400);

    public static OciException Unsupported(string message) => new("UNSUPPORTED", message, 405);

    public static OciException Denied(string message) => new("DENIED", message, 403);

    /// <summary>The reference (tag or digest) a MANIFEST_UNKNOWN is about, for the error's detail.</summary>
    public string? Reference { get; private init; }
}
