// SPDX-License-Identifier: Apache-2.0
using System.Text.Json;

namespace Nimbus.Init.Telemetry;

/// <summary>
/// Reads a subscribe body of the Telemetry API (PUT /2022-07-01/telemetry) or of the Logs API it replaced
/// (PUT /2020-08-15/logs, the same shape without schemaVersion), with the limits of telemetry-api.md's buffering
/// table. Validation messages join with "; " as AWS's example does ("URI port is not provided; types should not be
/// empty"); the wording of the others is ours (AWS's exact text is unknown).
/// </summary>
internal static class SubscribeRequest
{
    public const int MinItems = 1000;
    public const int MaxItems = 10_000;
    public const int DefaultItems = 10_000;
    public const int MinBytes = 262_144;
    public const int MaxBytes = 1_048_576;
    public const int DefaultBytes = 262_144;
    public const int MinTimeoutMs = 25;
    public const int MaxTimeoutMs = 30_000;
    public const int DefaultTimeoutMs = 1_000;

    private static readonly string[] s_schemaVersions = ["2022-07-01", "2022-12-13", "2025-01-29"];

    /// <summary>The subscription, or null and the validation message.</summary>
    public static TelemetrySubscription? Parse(ReadOnlySpan<byte> body, bool logsApi, string extensionName, TimeProvider time, out string? error)
    {
        error = null;
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(body.ToArray());
        }
        catch (JsonException e)
        {
            error = $"Invalid JSON: {e.Message}";
            return null;
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                error = "The request body must be a JSON object";
                return null;
            }

            var problems = new List<string>();
            if (!logsApi && !(root.TryGetProperty("schemaVersion", out var schema) && schema.ValueKind == JsonValueKind.String && s_schemaVersions.Contains(schema.GetString())))
            {
                problems.Add("schemaVersion must be one of " + string.Join(", ", s_schemaVersions));
            }

            var uri = Destination(root, problems);
            var categories = Types(root, problems);
            var (items, bytes, timeout) = Buffering(root, problems);
            if (problems.Count > 0 || uri is null)
            {
                error = string.Join("; ", problems);
                return null;
            }

            return new TelemetrySubscription(extensionName, categories, uri, items, bytes, timeout, time);
        }
    }

    private static Uri? Destination(JsonElement root, List<string> problems)
    {
        if (!root.TryGetProperty("destination", out var destination) || destination.ValueKind != JsonValueKind.Object)
        {
            problems.Add("destination is required");
            return null;
        }

        var protocol = destination.TryGetProperty("protocol", out var p) && p.ValueKind == JsonValueKind.String ? p.GetString() : null;
        if (protocol == "TCP")
        {
            // AWS also delivers over TCP; Nimbus delivers over HTTP only.
            problems.Add("TCP protocol is not supported; use HTTP");
            return null;
        }

        if (protocol != "HTTP")
        {
            problems.Add("destination protocol must be HTTP");
            return null;
        }

        var text = destination.TryGetProperty("URI", out var u) && u.ValueKind == JsonValueKind.String ? u.GetString() : null;
        if (string.IsNullOrEmpty(text) || !Uri.TryCreate(text, UriKind.Absolute, out var uri) || uri.Scheme != Uri.UriSchemeHttp)
        {
            problems.Add("URI must be an http:// URI");
            return null;
        }

        // Uri fills in 80 for an http URI without a port: look at the text itself.
        var authority = text["http://".Length..].Split('/', 2)[0];
        if (!authority.Contains(':', StringComparison.Ordinal) || authority.EndsWith(']'))
        {
            problems.Add("URI port is not provided");
            return null;
        }

        return uri;
    }

    private static TelemetryCategory Types(JsonElement root, List<string> problems)
    {
        var categories = TelemetryCategory.None;
        if (root.TryGetProperty("types", out var types) && types.ValueKind == JsonValueKind.Array)
        {
            foreach (var type in types.EnumerateArray())
            {
                switch (type.ValueKind == JsonValueKind.String ? type.GetString() : null)
                {
                    case "platform":
                        categories |= TelemetryCategory.Platform;
                        break;
                    case "function":
                        categories |= TelemetryCategory.Function;
                        break;
                    case "extension":
                        categories |= TelemetryCategory.Extension;
                        break;
                    default:
                        problems.Add($"types: {type.GetRawText()} is not one of platform, function, extension");
                        break;
                }
            }
        }

        if (categories == TelemetryCategory.None)
        {
            problems.Add("types should not be empty");
        }

        return categories;
    }

    private static (int Items, int Bytes, int TimeoutMs) Buffering(JsonElement root, List<string> problems)
    {
        if (!root.TryGetProperty("buffering", out var buffering) || buffering.ValueKind != JsonValueKind.Object)
        {
            return (DefaultItems, DefaultBytes, DefaultTimeoutMs);
        }

        return (
            Limit(buffering, "maxItems", MinItems, MaxItems, DefaultItems, problems),
            Limit(buffering, "maxBytes", MinBytes, MaxBytes, DefaultBytes, problems),
            Limit(buffering, "timeoutMs", MinTimeoutMs, MaxTimeoutMs, DefaultTimeoutMs, problems));
    }

    private static int Limit(JsonElement buffering, string name, int min, int max, int fallback, List<string> problems)
    {
        if (!buffering.TryGetProperty(name, out var value))
        {
            return fallback;
        }

        if (value.ValueKind != JsonValueKind.Number || !value.TryGetInt32(out var number) || number < min || number > max)
        {
            problems.Add($"buffering.{name} must be an integer between {min} and {max}");
            return fallback;
        }

        return number;
    }
}
