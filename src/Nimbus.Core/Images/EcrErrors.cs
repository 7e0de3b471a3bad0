// SPDX-License-Identifier: Apache-2.0
namespace Nimbus.Core.Images;

/// <summary>ECR's error types and the texts AWS answers with (as observed from the service).</summary>
public static class EcrErrors
{
    public static EcrException RepositoryNotFound(string name, string registryId) =>
        new("RepositoryNotFoundException", $"The repository with name '{name}' does not exist in the registry with id '{registryId}'");

    public static EcrException RepositoryExists(string name, string registryId) =>
        new("RepositoryAlreadyExistsException", $"The repository with name '{name}' already exists in the registry with id '{registryId}'");

    public static EcrException RepositoryNotEmpty(string name, string registryId) =>
        new("RepositoryNotEmptyException", $"The repository with name '{name}' in registry with id '{registryId}' cannot be deleted because it still contains images");

    /// <summary>DescribeImages' answer for an image id that is not there.</summary>
    public static EcrException ImageNotFound(ImageId id, string name, string registryId) =>
        new(
            "ImageNotFoundException",
            $"The image with imageId {{imageDigest:'{id.Digest ?? "null"}', imageTag:'{id.Tag ?? "null"}'}} does not exist within the repository with name '{name}' in the registry with id '{registryId}'");

    public static EcrException InvalidParameter(string message) => new("InvalidParameterException", message);

    /// <summary>The constraint text AWS's validation layer uses (the exact regular expression it quotes is not documented; this is the model's).</summary>
    public static EcrException InvalidRepositoryName(string name) =>
        InvalidParameter(
            $"Invalid parameter at 'repositoryName' failed to satisfy constraint: 'must satisfy regular expression '{ImageRules.RepositoryNamePattern}''");

    /// <summary>BatchGetImage's and BatchDeleteImage's per-image failure for an image that is not there.</summary>
    public const string ImageNotFoundCode = "ImageNotFound";

    public const string ImageNotFoundReason = "Requested image not found";

    public const string MissingDigestAndTagCode = "MissingDigestAndTag";

    public const string MissingDigestAndTagReason = "Invalid request parameters: both tag and digest cannot be null";

    public const string InvalidImageDigestCode = "InvalidImageDigest";

    public const string InvalidImageDigestReason = "Invalid request parameters: image digest should satisfy the regex '[a-zA-Z0-9-_+.]+:[a-fA-F0-9]+'";

    public const string ImageReferencedCode = "ImageReferencedByManifestList";
}
