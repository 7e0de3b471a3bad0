// SPDX-License-Identifier: Apache-2.0
using System.Globalization;
using System.Text;

namespace Nimbus.Core.Queues;

public static partial class QueueValidator
{
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
}
