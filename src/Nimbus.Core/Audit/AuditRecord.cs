// SPDX-License-Identifier: Apache-2.0
using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace Nimbus.Core.Audit;

/// <summary>
/// The CloudTrail record of an event, in AWS's shape (the <c>CloudTrailEvent</c> string of LookupEvents): eventVersion,
/// userIdentity, eventTime, eventSource, eventName, awsRegion, sourceIPAddress, userAgent, errorCode/errorMessage,
/// requestParameters, responseElements, requestID, eventID, readOnly, resources (data events), eventType, managementEvent,
/// recipientAccountId, eventCategory.
/// </summary>
public static class AuditRecord
{
    /// <summary>The record format version AWS wrote for these services' events in 2024–2025.</summary>
    public const string EventVersion = "1.08";

    private static readonly JsonWriterOptions s_options = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>The event with its <see cref="AuditEvent.Record"/> filled in.</summary>
    public static AuditEvent Build(AuditEvent e)
    {
        ArgumentNullException.ThrowIfNull(e);
        var buffer = new ArrayBufferWriter<byte>(1024);
        using (var json = new Utf8JsonWriter(buffer, s_options))
        {
            json.WriteStartObject();
            json.WriteString("eventVersion", EventVersion);
            WriteIdentity(json, e);
            json.WriteString("eventTime", e.EventTime.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture));
            json.WriteString("eventSource", e.EventSource);
            json.WriteString("eventName", e.EventName);
            json.WriteString("awsRegion", e.Region);
            json.WriteString("sourceIPAddress", e.SourceIpAddress ?? string.Empty);
            json.WriteString("userAgent", e.UserAgent ?? string.Empty);
            if (e.ErrorCode is not null)
            {
                json.WriteString("errorCode", e.ErrorCode);
                json.WriteString("errorMessage", e.ErrorMessage ?? string.Empty);
            }

            json.WritePropertyName("requestParameters");
            if (e.RequestParameters is { Length: > 0 } parameters)
            {
                json.WriteRawValue(parameters, skipInputValidation: true);
            }
            else
            {
                json.WriteNullValue();
            }

            // A management write's JSON answer, its secrets replaced (the query protocols' XML answers, which carry
            // CreateAccessKey's and AssumeRole's credentials, are not kept).
            json.WritePropertyName("responseElements");
            if (e.ResponseElements is { Length: > 0 } elements)
            {
                json.WriteRawValue(elements, skipInputValidation: true);
            }
            else
            {
                json.WriteNullValue();
            }

            json.WriteString("requestID", e.RequestId);
            json.WriteString("eventID", e.EventId);
            json.WriteBoolean("readOnly", e.ReadOnly);
            if (!e.Management && e.Resources.Count > 0)
            {
                json.WriteStartArray("resources");
                foreach (var resource in e.Resources)
                {
                    json.WriteStartObject();
                    json.WriteString("accountId", e.Account);
                    json.WriteString("type", resource.Type);
                    json.WriteString("ARN", resource.Arn);
                    json.WriteEndObject();
                }

                json.WriteEndArray();
            }

            json.WriteString("eventType", "AwsApiCall");
            json.WriteBoolean("managementEvent", e.Management);
            json.WriteString("recipientAccountId", e.Account);
            json.WriteString("eventCategory", e.Management ? "Management" : "Data");
            json.WriteEndObject();
        }

        return e with { Record = Encoding.UTF8.GetString(buffer.WrittenSpan) };
    }

    private static void WriteIdentity(Utf8JsonWriter json, AuditEvent e)
    {
        json.WriteStartObject("userIdentity");
        if (e.PrincipalArn is null)
        {
            // An unauthenticated call: CloudTrail writes the type it could tell (none here) and the key, if any.
            json.WriteString("type", "Unknown");
            if (e.AccessKeyId is not null)
            {
                json.WriteString("accessKeyId", e.AccessKeyId);
            }

            json.WriteEndObject();
            return;
        }

        var type = e.PrincipalType switch
        {
            "User" => "IAMUser",
            "AssumedRole" => "AssumedRole",
            _ => "Root",
        };
        json.WriteString("type", type);
        json.WriteString("principalId", e.PrincipalId ?? e.Account);
        json.WriteString("arn", e.PrincipalArn);
        json.WriteString("accountId", e.Account);
        if (e.AccessKeyId is not null)
        {
            json.WriteString("accessKeyId", e.AccessKeyId);
        }

        if (type == "IAMUser" && e.Username is not null)
        {
            json.WriteString("userName", e.Username);
        }

        if (type == "AssumedRole" && RoleOfSession(e.PrincipalArn) is { } role)
        {
            json.WriteStartObject("sessionContext");
            json.WriteStartObject("sessionIssuer");
            json.WriteString("type", "Role");
            var principal = e.PrincipalId ?? string.Empty;
            var colon = principal.IndexOf(':', StringComparison.Ordinal);
            json.WriteString("principalId", colon < 0 ? principal : principal[..colon]);
            json.WriteString("arn", $"arn:aws:iam::{e.Account}:role/{role}");
            json.WriteString("accountId", e.Account);
            json.WriteString("userName", role);
            json.WriteEndObject();
            json.WriteStartObject("attributes");
            json.WriteString("mfaAuthenticated", "false");
            json.WriteEndObject();
            json.WriteEndObject();
        }

        json.WriteEndObject();
    }

    /// <summary>ROLE of <c>arn:aws:sts::A:assumed-role/ROLE/SESSION</c>.</summary>
    private static string? RoleOfSession(string arn)
    {
        const string marker = ":assumed-role/";
        var start = arn.IndexOf(marker, StringComparison.Ordinal);
        if (start < 0)
        {
            return null;
        }

        var rest = arn[(start + marker.Length)..];
        var slash = rest.IndexOf('/', StringComparison.Ordinal);
        return slash < 0 ? rest : rest[..slash];
    }
}
