// SPDX-License-Identifier: Apache-2.0
using System.Text.Json;

namespace Nimbus.Server.Configuration;

/// <summary>
/// Reads the JSON config file: one object whose keys are setting names. Comments and trailing commas are allowed, as
/// in ASP.NET Core's JSON configuration. Every problem becomes one line of the errors list.
/// </summary>
internal static class ConfigurationFile
{
    private static readonly JsonDocumentOptions s_options = new() { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true };

    /// <summary>The file's settings in file order, as (setting, text value); null when the file could not be read.</summary>
    public static List<(NimbusSetting Setting, string Value)>? Read(string path, List<string> errors)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(File.ReadAllBytes(path), s_options);
        }
        catch (JsonException ex)
        {
            // The reader's message ends with " LineNumber: 0 | BytePositionInLine: 9."; say it once, counted from 1.
            var message = ex.Message;
            var cut = message.IndexOf(" LineNumber:", StringComparison.Ordinal);
            message = cut > 0 ? message[..cut] : message;
            errors.Add($"the config file '{path}' is not valid JSON at line {ex.LineNumber + 1}, byte {ex.BytePositionInLine + 1}: {message}");
            return null;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            errors.Add($"the config file '{path}' cannot be read: {ex.Message}");
            return null;
        }

        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                errors.Add($"the config file '{path}' must be a JSON object of settings, like {{\"Port\": 9000}} (it holds {Describe(document.RootElement.ValueKind)}).");
                return null;
            }

            var values = new List<(NimbusSetting, string)>();
            var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
            foreach (var property in document.RootElement.EnumerateObject())
            {
                if (NimbusSettings.Find(property.Name) is not { } setting)
                {
                    errors.Add(NimbusConfiguration.Unknown($"'{property.Name}'", $" (in {path})", NimbusSettings.Closest(property.Name) is { } close ? $"'{close.Name}'" : null));
                }
                else if (!seen.Add(setting.Name))
                {
                    errors.Add($"{setting.Name} is given twice (in {path}).");
                }
                else if (property.Value.ValueKind is JsonValueKind.Object or JsonValueKind.Array or JsonValueKind.Null)
                {
                    errors.Add($"{setting.Name} must be {setting.Allowed}, not {Describe(property.Value.ValueKind)} (in {path}).");
                }
                else
                {
                    // Numbers keep their text (9000, 1e3); true/false are spelled as the other sources spell them.
                    values.Add((setting, property.Value.ValueKind switch
                    {
                        JsonValueKind.String => property.Value.GetString() ?? "",
                        JsonValueKind.True => "true",
                        JsonValueKind.False => "false",
                        _ => property.Value.GetRawText(),
                    }));
                }
            }

            return values;
        }
    }

    private static string Describe(JsonValueKind kind) => kind switch
    {
        JsonValueKind.Object => "a JSON object",
        JsonValueKind.Array => "a JSON array",
        JsonValueKind.Null => "null",
        JsonValueKind.String => "a string",
        JsonValueKind.Number => "a number",
        _ => "true or false",
    };
}
