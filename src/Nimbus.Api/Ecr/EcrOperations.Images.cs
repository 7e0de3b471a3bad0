// SPDX-License-Identifier: Apache-2.0
using System.Text;
using System.Text.Json;
using Nimbus.Api.Access;
using Nimbus.Core.Images;

namespace Nimbus.Api.Ecr;

internal static partial class EcrOperations
{
    private static async Task DescribeImagesAsync(EcrCall call)
    {
        var name = call.RepositoryName();
        await call.Context.AuthorizeAsync("ecr:DescribeImages", call.RepositoryArn(name));
        await call.Registry.RequireRepositoryAsync(call.Scope, name, call.Aborted);
        var ids = call.ImageIds();
        var images = new List<ManifestRecord>();
        if (ids.Count > 0)
        {
            foreach (var id in ids)
            {
                var found = await FindAsync(call, name, id);
                images.Add(found ?? throw EcrErrors.ImageNotFound(id, name, call.Scope.Account));
            }
        }
        else
        {
            var tagStatus = call.Input.TryGetProperty("filter", out var filter) && filter.ValueKind == JsonValueKind.Object
                && filter.TryGetProperty("tagStatus", out var status) ? status.GetString() : null;
            foreach (var image in await call.Registry.ListManifestsAsync(call.Scope, name, call.Aborted))
            {
                if (tagStatus is null or "ANY" || (tagStatus == "TAGGED") == (image.Tags.Count > 0))
                {
                    images.Add(image);
                }
            }
        }

        var output = call.Output;
        output.WriteStartObject();
        output.WriteStartArray("imageDetails");
        foreach (var image in images)
        {
            output.WriteStartObject();
            output.WriteString("registryId", call.Scope.Account);
            output.WriteString("repositoryName", name);
            output.WriteString("imageDigest", image.Digest);
            if (image.Tags.Count > 0)
            {
                output.WriteStartArray("imageTags");
                foreach (var tag in image.Tags)
                {
                    output.WriteStringValue(tag);
                }

                output.WriteEndArray();
            }

            output.WriteNumber("imageSizeInBytes", image.Size);
            output.WriteNumber("imagePushedAt", image.PushedAt.ToUnixTimeMilliseconds() / 1000.0);
            output.WriteString("imageManifestMediaType", image.MediaType);
            if (ConfigMediaType(image) is { } artifact)
            {
                output.WriteString("artifactMediaType", artifact);
            }

            output.WriteEndObject();
        }

        output.WriteEndArray();
        output.WriteEndObject();
    }

    private static async Task BatchGetImageAsync(EcrCall call)
    {
        var name = call.RepositoryName();
        await call.Context.AuthorizeAsync("ecr:BatchGetImage", call.RepositoryArn(name));
        await call.Registry.RequireRepositoryAsync(call.Scope, name, call.Aborted);
        var output = call.Output;
        var failures = new List<(ImageId Id, string Code, string Reason)>();
        output.WriteStartObject();
        output.WriteStartArray("images");
        foreach (var id in call.ImageIds())
        {
            if (Invalid(id) is { } invalid)
            {
                failures.Add(invalid);
                continue;
            }

            var image = await FindAsync(call, name, id);
            if (image is null)
            {
                failures.Add((id, EcrErrors.ImageNotFoundCode, EcrErrors.ImageNotFoundReason));
                continue;
            }

            output.WriteStartObject();
            output.WriteString("registryId", call.Scope.Account);
            output.WriteString("repositoryName", name);
            WriteImageId(output, "imageId", new ImageId(image.Digest, id.Tag));
            output.WriteString("imageManifest", Encoding.UTF8.GetString(image.Content));
            output.WriteString("imageManifestMediaType", image.MediaType);
            output.WriteEndObject();
        }

        output.WriteEndArray();
        WriteFailures(output, failures);
        output.WriteEndObject();
    }

    private static async Task BatchDeleteImageAsync(EcrCall call)
    {
        var name = call.RepositoryName();
        await call.Context.AuthorizeAsync("ecr:BatchDeleteImage", call.RepositoryArn(name));
        await call.Registry.RequireRepositoryAsync(call.Scope, name, call.Aborted);
        var output = call.Output;
        var failures = new List<(ImageId Id, string Code, string Reason)>();
        output.WriteStartObject();
        output.WriteStartArray("imageIds");
        foreach (var id in call.ImageIds())
        {
            if (Invalid(id) is { } invalid)
            {
                failures.Add(invalid);
                continue;
            }

            var deleted = await call.Registry.DeleteImageAsync(call.Scope, name, id, call.Aborted);
            if (deleted is null)
            {
                failures.Add((id, EcrErrors.ImageNotFoundCode, EcrErrors.ImageNotFoundReason));
                continue;
            }

            if (id.Tag is not null || deleted.Tags.Count == 0)
            {
                output.WriteStartObject();
                output.WriteString("imageDigest", deleted.Digest);
                if (id.Tag is not null)
                {
                    output.WriteString("imageTag", id.Tag);
                }

                output.WriteEndObject();
            }
            else
            {
                foreach (var tag in deleted.Tags)
                {
                    WriteImageId(output, null, new ImageId(deleted.Digest, tag));
                }
            }
        }

        output.WriteEndArray();
        WriteFailures(output, failures);
        output.WriteEndObject();
    }

    private static Task<ManifestRecord?> FindAsync(EcrCall call, string name, ImageId id) =>
        id.Digest is null && id.Tag is null
            ? Task.FromResult<ManifestRecord?>(null)
            : FindCheckedAsync(call, name, id);

    private static async Task<ManifestRecord?> FindCheckedAsync(EcrCall call, string name, ImageId id)
    {
        var image = await call.Registry.GetManifestAsync(call.Scope, name, id.Digest ?? id.Tag!, call.Aborted);
        return image is not null && id.Tag is not null && !image.Tags.Contains(id.Tag) ? null : image;
    }

    private static (ImageId, string, string)? Invalid(ImageId id)
    {
        if (id.Digest is null && id.Tag is null)
        {
            return (id, EcrErrors.MissingDigestAndTagCode, EcrErrors.MissingDigestAndTagReason);
        }

        return id.Digest is not null && !ImageRules.IsSha256Digest(id.Digest)
            ? (id, EcrErrors.InvalidImageDigestCode, EcrErrors.InvalidImageDigestReason)
            : null;
    }

    private static void WriteFailures(Utf8JsonWriter output, List<(ImageId Id, string Code, string Reason)> failures)
    {
        output.WriteStartArray("failures");
        foreach (var (id, code, reason) in failures)
        {
            output.WriteStartObject();
            WriteImageId(output, "imageId", id);
            output.WriteString("failureCode", code);
            output.WriteString("failureReason", reason);
            output.WriteEndObject();
        }

        output.WriteEndArray();
    }

    private static void WriteImageId(Utf8JsonWriter output, string? property, ImageId id)
    {
        if (property is null)
        {
            output.WriteStartObject();
        }
        else
        {
            output.WriteStartObject(property);
        }

        if (id.Digest is not null)
        {
            output.WriteString("imageDigest", id.Digest);
        }

        if (id.Tag is not null)
        {
            output.WriteString("imageTag", id.Tag);
        }

        output.WriteEndObject();
    }

    private static string? ConfigMediaType(ManifestRecord image) =>
        OciManifest.TryParse(image.Content, image.MediaType, out _)?.Config?.MediaType;
}
