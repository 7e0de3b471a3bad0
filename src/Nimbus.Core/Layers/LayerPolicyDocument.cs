// SPDX-License-Identifier: Apache-2.0
using System.Text;
using System.Text.Json;

namespace Nimbus.Core.Layers;

/// <summary>
/// The IAM policy document Lambda builds from a layer version's statements: <c>Version</c> 2012-10-17,
/// <c>Id</c> default, one statement per permission; an account id as principal becomes <c>arn:aws:iam::ID:root</c>,
/// and an organization becomes an <c>aws:PrincipalOrgID</c> condition.
/// </summary>
public static class LayerPolicyDocument
{
    public static string Statement(LayerVersion layer, LayerStatement permission) =>
        Write(writer => WriteStatement(writer, layer, permission));

    public static string Document(LayerVersion layer) => Write(writer =>
    {
        writer.WriteStartObject();
        writer.WriteString("Version", "2012-10-17");
        writer.WriteString("Id", "default");
        writer.WriteStartArray("Statement");
        foreach (var permission in layer.Permissions)
        {
            WriteStatement(writer, layer, permission);
        }

        writer.WriteEndArray();
        writer.WriteEndObject();
    });

    /// <summary>True when a statement lets <paramref name="account"/> use the layer version.</summary>
    public static bool Allows(LayerVersion layer, string account)
    {
        foreach (var permission in layer.Permissions)
        {
            // An organization condition cannot be evaluated without AWS Organizations: such a grant does not match.
            if (permission.OrganizationId is null
                && (permission.Principal == "*" || permission.Principal == account || permission.Principal == RootArn(account)))
            {
                return true;
            }
        }

        return false;
    }

    private static string RootArn(string account) => $"arn:aws:iam::{account}:root";

    private static void WriteStatement(Utf8JsonWriter writer, LayerVersion layer, LayerStatement permission)
    {
        writer.WriteStartObject();
        writer.WriteString("Sid", permission.StatementId);
        writer.WriteString("Effect", "Allow");
        if (permission.Principal == "*")
        {
            writer.WriteString("Principal", "*");
        }
        else
        {
            writer.WriteStartObject("Principal");
            writer.WriteString("AWS", permission.Principal.StartsWith("arn:", StringComparison.Ordinal) ? permission.Principal : RootArn(permission.Principal));
            writer.WriteEndObject();
        }

        writer.WriteString("Action", permission.Action);
        writer.WriteString("Resource", layer.LayerVersionArn);
        if (permission.OrganizationId is { } organization)
        {
            writer.WriteStartObject("Condition");
            writer.WriteStartObject("StringEquals");
            writer.WriteString("aws:PrincipalOrgID", organization);
            writer.WriteEndObject();
            writer.WriteEndObject();
        }

        writer.WriteEndObject();
    }

    private static string Write(Action<Utf8JsonWriter> write)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            write(writer);
        }

        return Encoding.UTF8.GetString(buffer.ToArray());
    }
}
