// SPDX-License-Identifier: Apache-2.0
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace Nimbus.Core.Access.Policies;

/// <summary>
/// Writes the policy documents Lambda builds from its permission APIs (function policies, layer version policies),
/// in AWS's shape: <c>{"Version":"2012-10-17","Id":"default","Statement":[...]}</c>, each statement
/// <c>{"Sid","Effect":"Allow","Principal","Action","Resource","Condition"}</c> in that order. An account id as
/// principal becomes <c>{"AWS":"arn:aws:iam::ID:root"}</c>, an ARN <c>{"AWS":ARN}</c>, a service
/// <c>{"Service":NAME}</c>, and <c>*</c> stays <c>"*"</c>.
/// </summary>
public static class ResourcePolicyWriter
{
    private static readonly JsonWriterOptions s_options = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>One statement, as AddPermission answers it.</summary>
    public static string Statement(ResourceStatement statement, string resourceArn)
    {
        ArgumentNullException.ThrowIfNull(statement);
        return Write(writer => WriteStatement(writer, statement, resourceArn));
    }

    /// <summary>The whole policy, as GetPolicy answers it.</summary>
    public static string Document(IEnumerable<ResourceStatement> statements, string resourceArn)
    {
        ArgumentNullException.ThrowIfNull(statements);
        return Write(writer =>
        {
            writer.WriteStartObject();
            writer.WriteString("Version", PolicyDocument.CurrentVersion);
            writer.WriteString("Id", "default");
            writer.WriteStartArray("Statement");
            foreach (var statement in statements)
            {
                WriteStatement(writer, statement, resourceArn);
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
        });
    }

    /// <summary>True for a principal Lambda writes as <c>{"Service": ...}</c>.</summary>
    public static bool IsServicePrincipal(string principal)
    {
        ArgumentNullException.ThrowIfNull(principal);

        // AWS service principals end in amazonaws.com; a few (alexa-appkit.amazon.com, alexa-connectedhome.amazon.com)
        // in amazon.com.
        return principal.EndsWith(".amazonaws.com", StringComparison.Ordinal) || principal.EndsWith(".amazon.com", StringComparison.Ordinal);
    }

    /// <summary>True for a 12-digit account id.</summary>
    public static bool IsAccountId(string principal)
    {
        ArgumentNullException.ThrowIfNull(principal);
        return principal.Length == 12 && principal.AsSpan().IndexOfAnyExceptInRange('0', '9') < 0;
    }

    public static string RootArn(string account) => $"arn:aws:iam::{account}:root";

    private static void WriteStatement(Utf8JsonWriter writer, ResourceStatement statement, string resourceArn)
    {
        writer.WriteStartObject();
        writer.WriteString("Sid", statement.Sid);
        writer.WriteString("Effect", "Allow");
        WritePrincipal(writer, statement.Principal);
        writer.WriteString("Action", statement.Action);
        writer.WriteString("Resource", resourceArn);
        if (statement.Conditions.Count > 0)
        {
            writer.WriteStartObject("Condition");
            var written = new HashSet<string>(StringComparer.Ordinal);
            foreach (var condition in statement.Conditions)
            {
                if (!written.Add(condition.Operator))
                {
                    continue;
                }

                writer.WriteStartObject(condition.Operator);
                foreach (var same in statement.Conditions)
                {
                    if (same.Operator == condition.Operator)
                    {
                        writer.WriteString(same.Key, same.Value);
                    }
                }

                writer.WriteEndObject();
            }

            writer.WriteEndObject();
        }

        writer.WriteEndObject();
    }

    private static void WritePrincipal(Utf8JsonWriter writer, string principal)
    {
        if (principal == "*")
        {
            writer.WriteString("Principal", "*");
            return;
        }

        writer.WriteStartObject("Principal");
        if (IsServicePrincipal(principal))
        {
            writer.WriteString("Service", principal);
        }
        else
        {
            writer.WriteString("AWS", IsAccountId(principal) ? RootArn(principal) : principal);
        }

        writer.WriteEndObject();
    }

    private static string Write(Action<Utf8JsonWriter> write)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, s_options))
        {
            write(writer);
        }

        return Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
    }
}
