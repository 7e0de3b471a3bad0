// SPDX-License-Identifier: Apache-2.0
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Nimbus.Core.Queues;

/// <summary>SQS's rules for queue names, attributes, messages and batches, with its messages.</summary>
public static partial class QueueValidator
{
    public const int MaxBatchEntries = 10;
    public const int MaxMessageAttributes = 10;
    public const int MaxWaitTimeSeconds = 20;
    public const int MaxVisibilityTimeout = 43_200;
    public const int MaxDelaySeconds = 900;
    public const string FifoSuffix = ".fifo";

    public static bool IsFifoName(string name) => name.EndsWith(FifoSuffix, StringComparison.Ordinal);

    public static void ValidateName(string? name, bool fifo)
    {
        if (string.IsNullOrEmpty(name))
        {
            throw QueueErrors.MissingParameter("QueueName");
        }

        if (fifo)
        {
            // The .fifo suffix counts towards the 80 characters.
            if (!IsFifoName(name) || !NamePattern().IsMatch(string.Concat(name.AsSpan(0, name.Length - FifoSuffix.Length), "_fifo")))
            {
                throw QueueErrors.InvalidParameterValue(
                    "The name of a FIFO queue can only include alphanumeric characters, hyphens, or underscores, must end with .fifo suffix and be 1 to 80 in length");
            }

            return;
        }

        if (!NamePattern().IsMatch(name))
        {
            throw QueueErrors.InvalidParameterValue("Can only include alphanumeric characters, hyphens, or underscores. 1 to 80 in length");
        }
    }

    /// <summary>
    /// The attributes of a new queue: the requested ones validated, every default filled in. FifoQueue=false on a
    /// standard queue is accepted and not kept (as on AWS).
    /// </summary>
    public static Dictionary<string, string> ForNewQueue(IReadOnlyDictionary<string, string>? requested, bool fifo)
    {
        var attributes = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (name, value) in QueueAttributeNames.Defaults)
        {
            attributes[name] = value;
        }

        if (fifo)
        {
            foreach (var (name, value) in QueueAttributeNames.FifoDefaults)
            {
                attributes[name] = value;
            }
        }

        if (requested is not null)
        {
            foreach (var (name, value) in requested)
            {
                if (name == QueueAttributeNames.FifoQueue && !fifo && string.Equals(value, "false", StringComparison.OrdinalIgnoreCase))
                {
                    continue;
                }

                attributes[name] = Validate(name, value, fifo, creating: true);
            }
        }

        return attributes;
    }

    /// <summary>The attributes after SetQueueAttributes: each requested one validated and applied; "" clears an optional one.</summary>
    public static Dictionary<string, string> ForUpdate(IReadOnlyDictionary<string, string> current, IReadOnlyDictionary<string, string> requested, bool fifo)
    {
        var attributes = new Dictionary<string, string>(current, StringComparer.Ordinal);
        foreach (var (name, value) in requested)
        {
            if (name == QueueAttributeNames.FifoQueue && !fifo)
            {
                throw QueueErrors.InvalidAttributeName($"Unknown Attribute {name}.");
            }

            var valid = Validate(name, value, fifo, creating: false);
            if (valid.Length == 0 && IsOptional(name))
            {
                attributes.Remove(name);
            }
            else
            {
                attributes[name] = valid;
            }
        }

        return attributes;
    }

    /// <summary>Parses a RedrivePolicy document, <c>{"deadLetterTargetArn":"arn:…","maxReceiveCount":"5"}</c>.</summary>
    public static RedrivePolicy ParseRedrivePolicy(string json)
    {
        string? target = null;
        int? maxReceiveCount = null;
        string? rawCount = null;
        try
        {
            using var document = JsonDocument.Parse(json);
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                throw QueueErrors.InvalidAttributeValue("Invalid value for the parameter RedrivePolicy. Reason: Redrive policy is not a valid JSON map.");
            }

            foreach (var property in document.RootElement.EnumerateObject())
            {
                switch (property.Name)
                {
                    case "deadLetterTargetArn" when property.Value.ValueKind == JsonValueKind.String:
                        target = property.Value.GetString();
                        break;
                    case "maxReceiveCount":
                        rawCount = property.Value.ToString();
                        maxReceiveCount = int.TryParse(rawCount, NumberStyles.Integer, CultureInfo.InvariantCulture, out var count) ? count : 0;
                        break;
                }
            }
        }
        catch (JsonException)
        {
            throw QueueErrors.InvalidAttributeValue("Invalid value for the parameter RedrivePolicy. Reason: Redrive policy is not a valid JSON map.");
        }

        if (target is null || !QueueArn.TryParse(target, out _, out _))
        {
            throw QueueErrors.InvalidAttributeValue("Value " + json + " for parameter RedrivePolicy is invalid. Reason: Invalid value for deadLetterTargetArn.");
        }

        if (maxReceiveCount is not (>= 1 and <= 1000))
        {
            throw QueueErrors.InvalidAttributeValue(
                $"Value {json} for parameter RedrivePolicy is invalid. Reason: Invalid value for maxReceiveCount: {rawCount ?? "null"}, valid values are from 1 to 1000 both inclusive.");
        }

        return new RedrivePolicy(target, maxReceiveCount.Value);
    }

    /// <summary>Checks a message body: present, valid characters (XML 1.0's), and with its attributes within the queue's size.</summary>
    public static void ValidateMessage(string? body, IReadOnlyDictionary<string, MessageAttributeValue>? attributes, int maximumMessageSize)
    {
        if (string.IsNullOrEmpty(body))
        {
            throw QueueErrors.MissingParameter("MessageBody");
        }

        if (!HasValidCharacters(body))
        {
            throw QueueErrors.InvalidMessageContents();
        }

        ValidateMessageAttributes(attributes);
        if (MessageSize(body, attributes) > maximumMessageSize)
        {
            throw QueueErrors.InvalidParameterValue($"One or more parameters are invalid. Reason: Message must be shorter than {maximumMessageSize} bytes.");
        }
    }

    /// <summary>The size SQS counts against MaximumMessageSize: the body's UTF-8 bytes plus every attribute's name, type and value.</summary>
    public static long MessageSize(string body, IReadOnlyDictionary<string, MessageAttributeValue>? attributes)
    {
        long size = Encoding.UTF8.GetByteCount(body);
        if (attributes is not null)
        {
            foreach (var (name, value) in attributes)
            {
                size += Encoding.UTF8.GetByteCount(name) + Encoding.UTF8.GetByteCount(value.DataType);
                size += value.IsBinary ? value.BinaryValue?.Length ?? 0 : Encoding.UTF8.GetByteCount(value.StringValue ?? string.Empty);
            }
        }

        return size;
    }

    public static void ValidateMessageAttributes(IReadOnlyDictionary<string, MessageAttributeValue>? attributes)
    {
        if (attributes is null || attributes.Count == 0)
        {
            return;
        }

        if (attributes.Count > MaxMessageAttributes)
        {
            throw QueueErrors.InvalidParameterValue($"Number of message attributes [{attributes.Count}] exceeds the allowed maximum [{MaxMessageAttributes}].");
        }

        foreach (var (name, value) in attributes)
        {
            if (name.Length == 0 || name.Length >= 256)
            {
                throw QueueErrors.InvalidParameterValue("Message (user) attribute names must be shorter than 256 Bytes");
            }

            if (!AttributeNamePattern().IsMatch(name))
            {
                throw QueueErrors.InvalidParameterValue(
                    "Message (user) attributes name can only contain upper and lower score characters, digits, periods, hyphens and underscores. ");
            }

            if (name.StartsWith("AWS.", StringComparison.OrdinalIgnoreCase) || name.StartsWith("Amazon.", StringComparison.OrdinalIgnoreCase)
                || name.StartsWith('.') || name.EndsWith('.') || name.Contains("..", StringComparison.Ordinal))
            {
                throw QueueErrors.InvalidParameterValue(
                    "You can't use message attribute names beginning with 'AWS.' or 'Amazon.'. These strings are reserved for internal use. Additionally, they cannot start or end with '.'.");
            }

            var type = value.DataType;
            if (string.IsNullOrEmpty(type))
            {
                throw QueueErrors.InvalidParameterValue($"The message attribute '{name}' must contain non-empty message attribute type.");
            }

            var baseType = type.StartsWith("String", StringComparison.Ordinal) ? "String"
                : type.StartsWith("Number", StringComparison.Ordinal) ? "Number"
                : type.StartsWith("Binary", StringComparison.Ordinal) ? "Binary"
                : null;
            if (baseType is null || (type.Length > baseType.Length && type[baseType.Length] != '.'))
            {
                throw QueueErrors.InvalidParameterValue($"The type of message (user) attribute '{name}' is invalid. You must use only the following supported type prefixes: Binary, Number, String.");
            }

            if (type.Length >= 256)
            {
                throw QueueErrors.InvalidParameterValue("Message (user) attribute types must be shorter than 256 Bytes");
            }

            if (baseType == "Binary")
            {
                if (value.BinaryValue is not { Length: > 0 })
                {
                    throw QueueErrors.InvalidParameterValue($"Message (user) attribute '{name}' must contain a non-empty value of type 'Binary'.");
                }

                continue;
            }

            if (string.IsNullOrEmpty(value.StringValue))
            {
                throw QueueErrors.InvalidParameterValue($"Message (user) attribute '{name}' must contain a non-empty value of type '{baseType}'.");
            }

            if (!HasValidCharacters(value.StringValue))
            {
                throw QueueErrors.InvalidParameterValue(QueueErrors.InvalidMessageContents().Message);
            }

            if (baseType == "Number" && !decimal.TryParse(value.StringValue, NumberStyles.Float, CultureInfo.InvariantCulture, out _))
            {
                throw QueueErrors.InvalidParameterValue($"Can't cast the value of message (user) attribute '{name}' to a number.");
            }
        }
    }

    /// <summary>MessageGroupId and MessageDeduplicationId: 1 to 128 alphanumeric or punctuation characters.</summary>
    public static void ValidateFifoId(string? value, string parameter)
    {
        if (value is not null && !FifoIdPattern().IsMatch(value))
        {
            throw QueueErrors.InvalidParameter(
                parameter, value, $"{parameter} can only include alphanumeric and punctuation characters. 1 to 128 in length.");
        }
    }

    /// <summary>A batch: 1 to 10 entries, ids of up to 80 alphanumerics, hyphens and underscores, all distinct.</summary>
    public static void ValidateBatch(IReadOnlyList<string?> ids, string entryShape)
    {
        if (ids.Count == 0)
        {
            throw QueueErrors.EmptyBatchRequest(entryShape);
        }

        if (ids.Count > MaxBatchEntries)
        {
            throw QueueErrors.TooManyEntriesInBatchRequest(ids.Count);
        }

        for (var i = 0; i < ids.Count; i++)
        {
            var id = ids[i];
            if (id is null || !BatchIdPattern().IsMatch(id))
            {
                throw QueueErrors.InvalidBatchEntryId();
            }

            for (var j = 0; j < i; j++)
            {
                if (ids[j] == id)
                {
                    throw QueueErrors.BatchEntryIdsNotDistinct(id);
                }
            }
        }
    }

    public static void ValidateVisibilityTimeout(int value)
    {
        if (value is < 0 or > MaxVisibilityTimeout)
        {
            throw QueueErrors.InvalidParameter("VisibilityTimeout", value.ToString(CultureInfo.InvariantCulture), "Must be >= 0 and <= 43200, if provided.");
        }
    }

    /// <summary>XML 1.0's characters: #x9 | #xA | #xD | #x20-#xD7FF | #xE000-#xFFFD | #x10000-#x10FFFF.</summary>
    public static bool HasValidCharacters(string value)
    {
        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            if (c >= 0x20 && c <= 0xD7FF)
            {
                continue;
            }

            if (c is '\t' or '\n' or '\r' || (c >= 0xE000 && c <= 0xFFFD))
            {
                continue;
            }

            if (char.IsHighSurrogate(c) && i + 1 < value.Length && char.IsLowSurrogate(value[i + 1]))
            {
                i++;
                continue;
            }

            return false;
        }

        return true;
    }

    private static bool IsOptional(string name)
    {
        foreach (var optional in QueueAttributeNames.Optional)
        {
            if (optional == name)
            {
                return true;
            }
        }

        return false;
    }

    private static string Validate(string name, string value, bool fifo, bool creating)
    {
        switch (name)
        {
            case QueueAttributeNames.DelaySeconds:
                return Range(name, value, 0, MaxDelaySeconds);
            case QueueAttributeNames.MaximumMessageSize:
                return Range(name, value, 1024, QueueAttributeNames.DefaultMaximumMessageSize);
            case QueueAttributeNames.MessageRetentionPeriod:
                return Range(name, value, 60, 1_209_600);
            case QueueAttributeNames.ReceiveMessageWaitTimeSeconds:
                return Range(name, value, 0, MaxWaitTimeSeconds);
            case QueueAttributeNames.VisibilityTimeout:
                return Range(name, value, 0, MaxVisibilityTimeout);
            case QueueAttributeNames.KmsDataKeyReusePeriodSeconds:
                return Range(name, value, 60, 86_400);
            case QueueAttributeNames.SqsManagedSseEnabled:
                return Boolean(name, value);
            case QueueAttributeNames.RedrivePolicy:
                if (value.Length == 0)
                {
                    return value;
                }

                // AWS keeps the policy in its own form: maxReceiveCount as a number, whatever was sent.
                var policy = ParseRedrivePolicy(value);
                return string.Create(
                    CultureInfo.InvariantCulture,
                    $"{{\"deadLetterTargetArn\":\"{JsonEncodedText.Encode(policy.DeadLetterTargetArn)}\",\"maxReceiveCount\":{policy.MaxReceiveCount}}}");
            case QueueAttributeNames.RedriveAllowPolicy or QueueAttributeNames.Policy or QueueAttributeNames.KmsMasterKeyId:
                return value;
            case QueueAttributeNames.FifoQueue when fifo:
                if (!string.Equals(value, "true", StringComparison.OrdinalIgnoreCase))
                {
                    throw QueueErrors.InvalidAttributeValue(
                        creating
                            ? $"Invalid value for the parameter {name}."
                            : "Invalid value for the parameter FifoQueue. Reason: Modifying queue type is not supported.");
                }

                return "true";
            case QueueAttributeNames.ContentBasedDeduplication when fifo:
                return Boolean(name, value);
            case QueueAttributeNames.DeduplicationScope when fifo:
                return value is "messageGroup" or "queue" ? value : throw InvalidValue(name);
            case QueueAttributeNames.FifoThroughputLimit when fifo:
                return value is "perQueue" or "perMessageGroupId" ? value : throw InvalidValue(name);
            case QueueAttributeNames.DeduplicationScope or QueueAttributeNames.FifoThroughputLimit:
                throw QueueErrors.InvalidAttributeName($"You can specify the {name} only when FifoQueue is set to true.");
            default:
                throw QueueErrors.InvalidAttributeName($"Unknown Attribute {name}.");
        }
    }

    private static string Range(string name, string value, int min, int max) =>
        int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var parsed) && parsed >= min && parsed <= max
            ? parsed.ToString(CultureInfo.InvariantCulture)
            : throw InvalidValue(name);

    private static string Boolean(string name, string value) =>
        string.Equals(value, "true", StringComparison.OrdinalIgnoreCase) ? "true"
        : string.Equals(value, "false", StringComparison.OrdinalIgnoreCase) ? "false"
        : throw InvalidValue(name);

    private static Errors.QueueException InvalidValue(string name) => QueueErrors.InvalidAttributeValue($"Invalid value for the parameter {name}.");

    [GeneratedRegex("^[a-zA-Z0-9_-]{1,80}$")]
    private static partial Regex NamePattern();

    [GeneratedRegex("^[A-Za-z0-9_-]{1,80}$")]
    private static partial Regex BatchIdPattern();

    [GeneratedRegex("^[\u00c0-\u017fa-zA-Z0-9_.-]+$")]
    private static partial Regex AttributeNamePattern();

    [GeneratedRegex("^[0-9a-zA-Z!\"#$%&'()*+,./:;<=>?@\\[\\\\\\]^_`{|}~-]{1,128}$")]
    private static partial Regex FifoIdPattern();
}
