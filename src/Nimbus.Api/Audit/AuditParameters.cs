// SPDX-License-Identifier: Apache-2.0
using System.Buffers;
using System.Collections.Frozen;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace Nimbus.Api.Audit;

/// <summary>
/// A call's requestParameters as CloudTrail writes them: the path's and query's parameters and the body's members,
/// names in lower camel case (<c>functionName</c>, <c>environment</c>), with what AWS keeps out of its records replaced
/// by <c>HIDDEN_DUE_TO_SECURITY_REASONS</c>: the members botocore's models mark sensitive (Lambda's environment
/// variables and inline code, IAM's passwords and private keys, STS's tokens and assertions) and message and event
/// contents (a message body, log events, a payload). Signing parameters (<c>X-Amz-*</c>) are never copied.
/// </summary>
internal static class AuditParameters
{
    public const string Hidden = "HIDDEN_DUE_TO_SECURITY_REASONS";

    /// <summary>Members whose value is hidden, by name, whatever their case.</summary>
    private static readonly FrozenSet<string> s_hidden = FrozenSet.Create(
        StringComparer.OrdinalIgnoreCase,
        "ZipFile", "Password", "NewPassword", "OldPassword", "PrivateKey", "AddPrivateKey", "SecretAccessKey", "SessionToken",
        "SAMLAssertion", "WebIdentityToken", "MessageBody", "LogEvents", "Payload", "AuthorizationToken");

    /// <summary>Maps whose keys are data (tags, attributes), kept as given rather than camel-cased.</summary>
    private static readonly FrozenSet<string> s_maps = FrozenSet.Create(
        StringComparer.OrdinalIgnoreCase, "Tags", "Attributes", "MessageAttributes", "MessageSystemAttributes");

    private static readonly JsonWriterOptions s_options = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>The parameters as a JSON object, or null when the call has none.</summary>
    public static string? Build(HttpRequest request, JsonElement? body, IFormCollection? form)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        var any = false;
        using (var json = new Utf8JsonWriter(buffer, s_options))
        {
            json.WriteStartObject();
            var written = new HashSet<string>(StringComparer.Ordinal);
            foreach (var (key, value) in request.RouteValues)
            {
                if (value is string text && written.Add(key))
                {
                    json.WriteString(key.TrimStart('*'), text);
                    any = true;
                }
            }

            foreach (var (key, value) in request.Query)
            {
                var name = Camel(key);
                if (!key.StartsWith("X-Amz-", StringComparison.OrdinalIgnoreCase) && written.Add(name))
                {
                    WriteText(json, key, name, value.ToString());
                    any = true;
                }
            }

            if (form is not null)
            {
                foreach (var (key, value) in form)
                {
                    var name = Camel(key);
                    if (key is not "Action" and not "Version" && !key.StartsWith("X-Amz-", StringComparison.OrdinalIgnoreCase) && written.Add(name))
                    {
                        WriteText(json, LastSegment(key), name, value.ToString());
                        any = true;
                    }
                }
            }

            if (body is { ValueKind: JsonValueKind.Object } members)
            {
                foreach (var member in members.EnumerateObject())
                {
                    var name = Camel(member.Name);
                    if (written.Add(name))
                    {
                        json.WritePropertyName(name);
                        WriteValue(json, member.Name, member.Value, camel: !s_maps.Contains(member.Name));
                        any = true;
                    }
                }
            }

            json.WriteEndObject();
        }

        return any ? Encoding.UTF8.GetString(buffer.WrittenSpan) : null;
    }

    /// <summary>
    /// A JSON answer as CloudTrail's responseElements: its members in lower camel case, hidden as the parameters are
    /// (a function's environment variables among them); null when it is no JSON object.
    /// </summary>
    public static string? Response(ReadOnlySpan<byte> body)
    {
        JsonDocument? document;
        try
        {
            var reader = new Utf8JsonReader(body);
            if (!JsonDocument.TryParseValue(ref reader, out document))
            {
                return null;
            }
        }
        catch (JsonException)
        {
            return null;
        }

        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                return null;
            }

            var buffer = new ArrayBufferWriter<byte>(body.Length + 64);
            using (var json = new Utf8JsonWriter(buffer, s_options))
            {
                WriteValue(json, string.Empty, document.RootElement, camel: true);
            }

            return Encoding.UTF8.GetString(buffer.WrittenSpan);
        }
    }

    private static void WriteText(Utf8JsonWriter json, string member, string name, string value) =>
        json.WriteString(name, s_hidden.Contains(member) ? Hidden : value);

    private static void WriteValue(Utf8JsonWriter json, string member, JsonElement value, bool camel)
    {
        if (s_hidden.Contains(member))
        {
            json.WriteStringValue(Hidden);
            return;
        }

        switch (value.ValueKind)
        {
            case JsonValueKind.Object:
                json.WriteStartObject();
                foreach (var property in value.EnumerateObject())
                {
                    json.WritePropertyName(camel ? Camel(property.Name) : property.Name);
                    // Lambda's Environment.Variables: the whole map is sensitive (names and values), as in the model.
                    if (camel && member.Equals("Environment", StringComparison.OrdinalIgnoreCase) && property.Name.Equals("Variables", StringComparison.OrdinalIgnoreCase))
                    {
                        json.WriteStringValue(Hidden);
                        continue;
                    }

                    WriteValue(json, property.Name, property.Value, camel && !s_maps.Contains(property.Name));
                }

                json.WriteEndObject();
                break;
            case JsonValueKind.Array:
                json.WriteStartArray();
                foreach (var item in value.EnumerateArray())
                {
                    WriteValue(json, member, item, camel);
                }

                json.WriteEndArray();
                break;
            default:
                value.WriteTo(json);
                break;
        }
    }

    /// <summary><c>FunctionName</c> → <c>functionName</c>; <c>SAMLAssertion</c> → <c>sAMLAssertion</c>, as CloudTrail writes it.</summary>
    public static string Camel(string name) =>
        name.Length == 0 || char.IsLower(name[0]) ? name : string.Concat(char.ToLowerInvariant(name[0]).ToString(), name.AsSpan(1));

    /// <summary>The member a flattened query key ends in: <c>Entry.1.MessageBody</c> → <c>MessageBody</c>.</summary>
    private static string LastSegment(string key)
    {
        var dot = key.LastIndexOf('.');
        return dot < 0 ? key : key[(dot + 1)..];
    }
}
