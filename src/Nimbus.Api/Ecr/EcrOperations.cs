// SPDX-License-Identifier: Apache-2.0
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Nimbus.Api.Access;
using Nimbus.Api.Registry;
using Nimbus.Core.Images;

namespace Nimbus.Api.Ecr;

/// <summary>The ECR operations Nimbus serves; each authorizes with ECR's action on the repository's ARN.</summary>
internal static partial class EcrOperations
{
    public static Task RunAsync(string operation, EcrCall call) => operation switch
    {
        "CreateRepository" => CreateRepositoryAsync(call),
        "DescribeRepositories" => DescribeRepositoriesAsync(call),
        "DeleteRepository" => DeleteRepositoryAsync(call),
        "DescribeImages" => DescribeImagesAsync(call),
        "BatchGetImage" => BatchGetImageAsync(call),
        "BatchDeleteImage" => BatchDeleteImageAsync(call),
        "GetAuthorizationToken" => GetAuthorizationTokenAsync(call),
        _ => throw new EcrException("UnknownOperationException", $"The operation {operation} is not supported by this Nimbus server."),
    };

    private static async Task CreateRepositoryAsync(EcrCall call)
    {
        var name = call.RepositoryName();
        await call.Context.AuthorizeAsync("ecr:CreateRepository", call.RepositoryArn(name));
        var scan = call.Input.TryGetProperty("imageScanningConfiguration", out var scanning)
            && scanning.ValueKind == JsonValueKind.Object
            && scanning.TryGetProperty("scanOnPush", out var onPush)
            && onPush.ValueKind == JsonValueKind.True;
        var repository = await call.Registry.CreateRepositoryAsync(call.Scope, name, call.String("imageTagMutability"), scan, call.Aborted);
        var output = call.Output;
        output.WriteStartObject();
        output.WritePropertyName("repository");
        WriteRepository(call, repository);
        output.WriteEndObject();
    }

    private static async Task DescribeRepositoriesAsync(EcrCall call)
    {
        var output = call.Output;
        var repositories = new List<RepositoryRecord>();
        string? next = null;
        if (call.Input.TryGetProperty("repositoryNames", out var names) && names.ValueKind == JsonValueKind.Array)
        {
            foreach (var item in names.EnumerateArray())
            {
                var name = item.GetString() ?? "";
                await call.Context.AuthorizeAsync("ecr:DescribeRepositories", call.RepositoryArn(name));
                repositories.Add(await call.Registry.RequireRepositoryAsync(call.Scope, name, call.Aborted));
            }
        }
        else
        {
            await call.Context.AuthorizeAsync("ecr:DescribeRepositories", call.RepositoryArn("*"));
            var limit = call.Input.TryGetProperty("maxResults", out var max) && max.TryGetInt32(out var m) ? Math.Clamp(m, 1, 1000) : 100;
            var after = call.String("nextToken") is { } token ? Encoding.UTF8.GetString(Convert.FromBase64String(token)) : null;
            var page = await call.Registry.ListRepositoriesAsync(call.Scope, after, limit + 1, call.Aborted);
            for (var i = 0; i < Math.Min(limit, page.Count); i++)
            {
                repositories.Add(page[i]);
            }

            next = page.Count > limit ? Convert.ToBase64String(Encoding.UTF8.GetBytes(repositories[^1].Name)) : null;
        }

        output.WriteStartObject();
        output.WriteStartArray("repositories");
        foreach (var repository in repositories)
        {
            WriteRepository(call, repository);
        }

        output.WriteEndArray();
        if (next is not null)
        {
            output.WriteString("nextToken", next);
        }

        output.WriteEndObject();
    }

    private static async Task DeleteRepositoryAsync(EcrCall call)
    {
        var name = call.RepositoryName();
        await call.Context.AuthorizeAsync("ecr:DeleteRepository", call.RepositoryArn(name));
        var force = call.Input.TryGetProperty("force", out var f) && f.ValueKind == JsonValueKind.True;
        var repository = await call.Registry.DeleteRepositoryAsync(call.Scope, name, force, call.Aborted);
        call.Output.WriteStartObject();
        call.Output.WritePropertyName("repository");
        WriteRepository(call, repository);
        call.Output.WriteEndObject();
    }

    private static async Task GetAuthorizationTokenAsync(EcrCall call)
    {
        await call.Context.AuthorizeAsync("ecr:GetAuthorizationToken", "*");
        var tokens = call.Context.RequestServices.GetRequiredService<RegistryTokens>();
        var (token, expires) = tokens.Create(AccessKeyOf(call.Context.Request.Headers.Authorization.ToString()));
        var output = call.Output;
        output.WriteStartObject();
        output.WriteStartArray("authorizationData");
        output.WriteStartObject();
        output.WriteString("authorizationToken", Convert.ToBase64String(Encoding.UTF8.GetBytes("AWS:" + token)));
        output.WriteNumber("expiresAt", expires.ToUnixTimeMilliseconds() / 1000.0);
        output.WriteString("proxyEndpoint", "http://" + RegistryAddress.HostOf(call.Context.Request, call.Scope.Account, call.Scope.Region));
        output.WriteEndObject();
        output.WriteEndArray();
        output.WriteEndObject();
    }

    /// <summary>The access key id of the request's SigV4 credential (empty without one, as with authentication off).</summary>
    private static string AccessKeyOf(string authorization)
    {
        const string Marker = "Credential=";
        var start = authorization.IndexOf(Marker, StringComparison.Ordinal);
        if (start < 0)
        {
            return "";
        }

        var rest = authorization.AsSpan(start + Marker.Length);
        var slash = rest.IndexOf('/');
        return slash < 0 ? "" : rest[..slash].ToString();
    }

    private static void WriteRepository(EcrCall call, RepositoryRecord repository)
    {
        var output = call.Output;
        output.WriteStartObject();
        output.WriteString("repositoryArn", call.RepositoryArn(repository.Name));
        output.WriteString("registryId", call.Scope.Account);
        output.WriteString("repositoryName", repository.Name);
        output.WriteString("repositoryUri", RegistryAddress.HostOf(call.Context.Request, call.Scope.Account, call.Scope.Region) + "/" + repository.Name);
        output.WriteNumber("createdAt", repository.CreatedAt.ToUnixTimeMilliseconds() / 1000.0);
        output.WriteString("imageTagMutability", repository.ImageTagMutability);
        output.WriteStartObject("imageScanningConfiguration");
        output.WriteBoolean("scanOnPush", repository.ScanOnPush);
        output.WriteEndObject();
        output.WriteStartObject("encryptionConfiguration");
        output.WriteString("encryptionType", "AES256");
        output.WriteEndObject();
        output.WriteEndObject();
    }

}
