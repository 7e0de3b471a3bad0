// SPDX-License-Identifier: Apache-2.0
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Nimbus.Core.Arns;
using Nimbus.Core.Images;

namespace Nimbus.Api.Ecr;

/// <summary>One ECR API call: its input, the writer of its output, and what the operations need.</summary>
internal sealed class EcrCall
{
    public required HttpContext Context { get; init; }

    public required JsonElement Input { get; init; }

    public required Utf8JsonWriter Output { get; init; }

    public required Scope Scope { get; init; }

    public required ImageRegistry Registry { get; init; }

    public CancellationToken Aborted => Context.RequestAborted;

    public string RepositoryArn(string name) => $"arn:aws:ecr:{Scope.Region}:{Scope.Account}:repository/{name}";

    public string? String(string name) =>
        Input.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    /// <summary>A required string member; a missing one is refused as AWS's validation layer refuses it.</summary>
    public string Required(string name) =>
        String(name) ?? throw EcrErrors.InvalidParameter($"1 validation error detected: Value null at '{name}' failed to satisfy constraint: Member must not be null");

    /// <summary>The repositoryName member, which must also satisfy the model's pattern.</summary>
    public string RepositoryName()
    {
        var name = Required("repositoryName");
        return ImageRules.IsRepositoryName(name) ? name : throw EcrErrors.InvalidRepositoryName(name);
    }

    /// <summary>The registryId member, when given, must be the caller's account (Nimbus keeps one registry per account).</summary>
    public void CheckRegistryId()
    {
        if (String("registryId") is { } id && id != Scope.Account)
        {
            // AWS answers a foreign registry it may not read with a denial; the exact text is not known.
            throw EcrErrors.InvalidParameter($"Invalid parameter at 'registryId' failed to satisfy constraint: 'must be the account {Scope.Account}'");
        }
    }

    public IReadOnlyList<ImageId> ImageIds()
    {
        var ids = new List<ImageId>();
        if (Input.TryGetProperty("imageIds", out var array) && array.ValueKind == JsonValueKind.Array)
        {
            foreach (var item in array.EnumerateArray())
            {
                var digest = item.TryGetProperty("imageDigest", out var d) && d.ValueKind == JsonValueKind.String ? d.GetString() : null;
                var tag = item.TryGetProperty("imageTag", out var t) && t.ValueKind == JsonValueKind.String ? t.GetString() : null;
                ids.Add(new ImageId(digest, tag));
            }
        }

        return ids;
    }
}
