// SPDX-License-Identifier: Apache-2.0
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Nimbus.Core.Audit;
using Nimbus.Core.Storage;

namespace Nimbus.Api.CloudTrail;

/// <summary>
/// LookupEvents: one lookup attribute at most, StartTime/EndTime (epoch seconds, inclusive), MaxResults 1–50 (default
/// 50), NextToken; events newest first with their resources and the <c>CloudTrailEvent</c> record. AWS's messages for
/// these errors are not documented; ours say what was wrong.
/// </summary>
internal static class LookupEventsOperation
{
    public static async Task RunAsync(string account, JsonElement input, IAuditStore store, Utf8JsonWriter json, CancellationToken cancellationToken)
    {
        AuditLookupKey? key = null;
        string? value = null;
        if (Member(input, "LookupAttributes") is { } attributes)
        {
            if (attributes.ValueKind != JsonValueKind.Array)
            {
                throw new CloudTrailException("SerializationException", "LookupAttributes must be a list.");
            }

            if (attributes.GetArrayLength() > 1)
            {
                throw new CloudTrailException("InvalidLookupAttributesException", "You cannot specify more than one lookup attribute.");
            }

            foreach (var attribute in attributes.EnumerateArray())
            {
                var name = Text(attribute, "AttributeKey");
                value = Text(attribute, "AttributeValue");
                if (name is null || value is null || !Enum.TryParse<AuditLookupKey>(name, ignoreCase: false, out var parsed) || !Enum.IsDefined(parsed))
                {
                    throw new CloudTrailException("InvalidLookupAttributesException", $"The lookup attribute {name} is not valid. Valid keys: {string.Join(", ", Enum.GetNames<AuditLookupKey>())}.");
                }

                if (value.Length is 0 or > 2000)
                {
                    throw new CloudTrailException("InvalidLookupAttributesException", "The lookup attribute value must be 1 to 2000 characters long.");
                }

                key = parsed;
            }
        }

        if (Text(input, "EventCategory") is { } category && category != "insight")
        {
            throw new CloudTrailException("InvalidEventCategoryException", $"The event category {category} is not valid.");
        }

        var start = Time(input, "StartTime");
        var end = Time(input, "EndTime");
        if (start is not null && end is not null && start > end)
        {
            throw new CloudTrailException("InvalidTimeRangeException", "The start time is after the end time.");
        }

        var max = 50;
        if (Member(input, "MaxResults") is { } maxResults)
        {
            if (maxResults.ValueKind != JsonValueKind.Number || !maxResults.TryGetInt32(out max) || max is < 1 or > 50)
            {
                throw new CloudTrailException("InvalidMaxResultsException", "MaxResults must be from 1 to 50.");
            }
        }

        var fingerprint = Fingerprint(key, value, start, end);
        long? before = null;
        if (Text(input, "NextToken") is { } token)
        {
            before = ParseToken(token, fingerprint);
        }

        var page = await store.LookupAsync(
            new AuditLookup { Account = account, Attribute = key, Value = value, Start = start, End = end, MaxResults = max, Before = before },
            cancellationToken);
        json.WriteStartObject();
        json.WriteStartArray("Events");
        foreach (var e in page.Events)
        {
            json.WriteStartObject();
            json.WriteString("EventId", e.EventId);
            json.WriteString("EventName", e.EventName);
            json.WriteString("ReadOnly", e.ReadOnly ? "true" : "false");
            if (e.AccessKeyId is not null)
            {
                json.WriteString("AccessKeyId", e.AccessKeyId);
            }

            json.WriteNumber("EventTime", e.EventTime.ToUnixTimeMilliseconds() / 1000.0);
            json.WriteString("EventSource", e.EventSource);
            if (e.Username is not null)
            {
                json.WriteString("Username", e.Username);
            }

            json.WriteStartArray("Resources");
            foreach (var resource in e.Resources)
            {
                json.WriteStartObject();
                json.WriteString("ResourceType", resource.Type);
                json.WriteString("ResourceName", resource.Name);
                json.WriteEndObject();
            }

            json.WriteEndArray();
            json.WriteString("CloudTrailEvent", e.Record);
            json.WriteEndObject();
        }

        json.WriteEndArray();
        if (page.Next is { } next)
        {
            json.WriteString("NextToken", Token(next, fingerprint));
        }

        json.WriteEndObject();
    }

    /// <summary>A token names where the next page starts and the lookup it belongs to: with other parameters it is refused, as AWS refuses it.</summary>
    private static string Token(long before, string fingerprint) =>
        Convert.ToBase64String(Encoding.UTF8.GetBytes($"{before.ToString(CultureInfo.InvariantCulture)}:{fingerprint}"));

    private static long ParseToken(string token, string fingerprint)
    {
        try
        {
            var text = Encoding.UTF8.GetString(Convert.FromBase64String(token));
            var colon = text.IndexOf(':', StringComparison.Ordinal);
            if (colon > 0 && text[(colon + 1)..] == fingerprint && long.TryParse(text.AsSpan(0, colon), NumberStyles.None, CultureInfo.InvariantCulture, out var before))
            {
                return before;
            }
        }
        catch (FormatException)
        {
        }

        throw new CloudTrailException("InvalidNextTokenException", "The NextToken is not valid for this request.");
    }

    private static string Fingerprint(AuditLookupKey? key, string? value, DateTimeOffset? start, DateTimeOffset? end)
    {
        var text = $"{key}|{value}|{start?.ToUnixTimeMilliseconds()}|{end?.ToUnixTimeMilliseconds()}";
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)).AsSpan(0, 8));
    }

    private static JsonElement? Member(JsonElement input, string name) =>
        input.ValueKind == JsonValueKind.Object && input.TryGetProperty(name, out var value) && value.ValueKind != JsonValueKind.Null ? value : null;

    private static string? Text(JsonElement input, string name) => Member(input, name) switch
    {
        null => null,
        { ValueKind: JsonValueKind.String } value => value.GetString(),
        _ => throw new CloudTrailException("SerializationException", $"The value of '{name}' has the wrong type."),
    };

    /// <summary>A timestamp of AWS JSON: epoch seconds, possibly fractional (the CLI and boto3 send numbers).</summary>
    private static DateTimeOffset? Time(JsonElement input, string name) => Member(input, name) switch
    {
        null => null,
        { ValueKind: JsonValueKind.Number } value => DateTimeOffset.FromUnixTimeMilliseconds((long)(value.GetDouble() * 1000)),
        { ValueKind: JsonValueKind.String } text when DateTimeOffset.TryParse(text.GetString(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var parsed) => parsed,
        _ => throw new CloudTrailException("SerializationException", $"The value of '{name}' is not a timestamp."),
    };
}
