// SPDX-License-Identifier: Apache-2.0
using System.Globalization;
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

    [GeneratedRegex("^[a-zA-Z0-9_-]{1,80}\\z")]
    private static partial Regex NamePattern();

    [GeneratedRegex("^[A-Za-z0-9_-]{1,80}\\z")]
    private static partial Regex BatchIdPattern();

    [GeneratedRegex("^[\u00c0-\u017fa-zA-Z0-9_.-]+\\z")]
    private static partial Regex AttributeNamePattern();

    [GeneratedRegex("^[0-9a-zA-Z!\"#$%&'()*+,./:;<=>?@\\[\\\\\\]^_`{|}~-]{1,128}\\z")]
    private static partial Regex FifoIdPattern();
}
