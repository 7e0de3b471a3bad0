// SPDX-License-Identifier: Apache-2.0
using System.Diagnostics.CodeAnalysis;
using System.Text.Json;

namespace Nimbus.Core.Access.Policies;

/// <summary>
/// Reads an IAM JSON policy document (IAM User Guide, reference_policies_grammar and reference_policies_elements) into
/// a compiled <see cref="PolicyDocument"/>, or refuses it with IAM's MalformedPolicyDocument or LimitExceeded text.
/// Element names are case-sensitive, as IAM's; anything unknown is a syntax error. Reads with <see cref="JsonDocument"/>:
/// no reflection.
/// </summary>
public static partial class PolicyParser
{
    /// <summary>No document IAM keeps is longer; this bounds the work done on hostile input before the quota check.</summary>
    private const int MaxLength = 131072;

    private static readonly JsonDocumentOptions s_json = new() { MaxDepth = 16 };

    /// <summary>Parses or throws <see cref="PolicyDocumentException"/>.</summary>
    public static PolicyDocument Parse(string? json, PolicyKind kind, PolicySizeLimit? limit = null) =>
        TryParse(json, kind, limit, out var document, out var error) ? document : throw new PolicyDocumentException(error);

    public static bool TryParse(
        string? json,
        PolicyKind kind,
        PolicySizeLimit? limit,
        [NotNullWhen(true)] out PolicyDocument? document,
        [NotNullWhen(false)] out PolicyError? error)
    {
        document = null;
        error = null;
        try
        {
            document = Read(json, kind, limit);
            return true;
        }
        catch (PolicyDocumentException refused)
        {
            error = refused.Error;
            return false;
        }
    }

    private static PolicyDocument Read(string? json, PolicyKind kind, PolicySizeLimit? limit)
    {
        if (string.IsNullOrWhiteSpace(json) || json.Length > MaxLength)
        {
            throw Fail(json is { Length: > MaxLength } && limit is not null ? PolicyErrors.OverQuota(limit) : PolicyErrors.Syntax());
        }

        if (limit is not null && PolicySizeLimit.Measure(json) > limit.Size)
        {
            throw Fail(PolicyErrors.OverQuota(limit));
        }

        JsonDocument parsed;
        try
        {
            parsed = JsonDocument.Parse(json, s_json);
        }
        catch (JsonException)
        {
            throw Fail(PolicyErrors.Syntax());
        }
        catch (ArgumentException)
        {
            // Text that is not valid UTF-16 (a lone surrogate) cannot be read as JSON either.
            throw Fail(PolicyErrors.Syntax());
        }

        using (parsed)
        {
            return ReadDocument(parsed.RootElement, kind);
        }
    }

    private static PolicyDocument ReadDocument(JsonElement root, PolicyKind kind)
    {
        if (root.ValueKind != JsonValueKind.Object)
        {
            throw Fail(PolicyErrors.Syntax());
        }

        string? version = null;
        string? id = null;
        JsonElement? statement = null;
        foreach (var property in root.EnumerateObject())
        {
            switch (property.Name)
            {
                case "Version":
                    version = Text(property.Value);
                    if (version is not (PolicyDocument.CurrentVersion or PolicyDocument.LegacyVersion))
                    {
                        throw Fail(PolicyErrors.Malformed(PolicyErrors.LegacyParsing));
                    }

                    break;
                case "Id":
                    id = Text(property.Value);
                    break;
                case "Statement":
                    statement = property.Value;
                    break;
                default:
                    throw Fail(PolicyErrors.Syntax());
            }
        }

        // IAM's text for a document without Statement is not known; it is refused as a syntax error.
        if (statement is not { } statements || statements.ValueKind is not (JsonValueKind.Object or JsonValueKind.Array))
        {
            throw Fail(PolicyErrors.Syntax());
        }

        var variables = version == PolicyDocument.CurrentVersion;
        var compiled = new List<PolicyStatement>();
        var sids = new HashSet<string>(StringComparer.Ordinal);
        if (statements.ValueKind == JsonValueKind.Object)
        {
            compiled.Add(ReadStatement(statements, kind, variables, sids));
        }
        else
        {
            foreach (var element in statements.EnumerateArray())
            {
                compiled.Add(ReadStatement(element, kind, variables, sids));
            }
        }

        return new PolicyDocument(kind, version, id, [.. compiled]);
    }

    /// <summary>A string, as IAM requires for Version, Id, Sid, Effect.</summary>
    private static string Text(JsonElement value) =>
        value.ValueKind == JsonValueKind.String ? value.GetString()! : throw Fail(PolicyErrors.Syntax());

    /// <summary>A string or an array of strings (Action, Resource, a principal type's value).</summary>
    private static string[] Texts(JsonElement value)
    {
        if (value.ValueKind == JsonValueKind.String)
        {
            return [value.GetString()!];
        }

        if (value.ValueKind != JsonValueKind.Array)
        {
            throw Fail(PolicyErrors.Syntax());
        }

        var texts = new string[value.GetArrayLength()];
        var i = 0;
        foreach (var item in value.EnumerateArray())
        {
            texts[i++] = Text(item);
        }

        return texts;
    }

    private static PolicyDocumentException Fail(PolicyError error) => new(error);
}
