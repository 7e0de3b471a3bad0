// SPDX-License-Identifier: Apache-2.0
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Nimbus.Core.Storage;
using Nimbus.Core.Validation;

namespace Nimbus.Core.Logs;

/// <summary>CloudWatch Logs' constraints (botocore's logs model and the PutLogEvents documentation).</summary>
public static partial class LogRules
{
    public const string GroupNamePattern = @"[\.\-_/#A-Za-z0-9]+";
    public const string StreamNamePattern = "[^:*]*";
    public const int MaxBatchBytes = 1_048_576;
    public const int MaxBatchEvents = 10_000;
    public const int EventOverheadBytes = 26;
    public const int MaxTags = 50;

    /// <summary>PutRetentionPolicy's values (the model's Days shape).</summary>
    public static readonly IReadOnlyList<int> RetentionDays = [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653];

    private static readonly TimeSpan s_maxFuture = TimeSpan.FromHours(2);
    private static readonly TimeSpan s_maxPast = TimeSpan.FromDays(14);
    private static readonly TimeSpan s_maxSpan = TimeSpan.FromHours(24);

    public static void GroupName(ValidationErrors errors, string? value, string field)
    {
        ArgumentNullException.ThrowIfNull(errors);
        errors.Length(value, field, 1, 512);
        errors.Pattern(value, field, GroupNameRegex(), GroupNamePattern);
    }

    public static void StreamName(ValidationErrors errors, string? value, string field)
    {
        ArgumentNullException.ThrowIfNull(errors);
        errors.Length(value, field, 1, 512);
        errors.Pattern(value, field, StreamNameRegex(), StreamNamePattern);
    }

    public static void Retention(ValidationErrors errors, int? days)
    {
        ArgumentNullException.ThrowIfNull(errors);
        if (days is { } value && !RetentionDays.Contains(value))
        {
            errors.Add(value.ToString(CultureInfo.InvariantCulture), "retentionInDays", $"Member must satisfy enum value set: [{string.Join(", ", RetentionDays)}]");
        }
    }

    /// <summary>
    /// Checks a PutLogEvents batch as AWS does: size, order and span refuse the whole batch; events too far in the
    /// future, older than 14 days or than the group's retention are left out and reported by index.
    /// </summary>
    public static PutLogEventsOutcome CheckBatch(IReadOnlyList<LogEvent> events, DateTimeOffset now, int? retentionDays)
    {
        ArgumentNullException.ThrowIfNull(events);
        long bytes = 0;
        for (var i = 0; i < events.Count; i++)
        {
            bytes += Encoding.UTF8.GetByteCount(events[i].Message) + EventOverheadBytes;
            if (i > 0 && events[i].Timestamp < events[i - 1].Timestamp)
            {
                // AWS's text, as its SDKs show it.
                throw LogsErrors.InvalidParameter("Log events in a single PutLogEvents request must be in chronological order.");
            }
        }

        if (bytes > MaxBatchBytes)
        {
            // AWS's wording for an oversized batch, as reported by its SDKs' users; not in the API reference.
            throw LogsErrors.InvalidParameter($"Upload too large: {bytes} bytes exceeds limit of {MaxBatchBytes}");
        }

        var tooOld = now - s_maxPast;
        var expired = retentionDays is { } days ? now - TimeSpan.FromDays(days) : DateTimeOffset.MinValue;
        var tooNew = now + s_maxFuture;
        int? tooOldEnd = null, expiredEnd = null, tooNewStart = null;
        var first = -1;
        var last = -1;
        for (var i = 0; i < events.Count; i++)
        {
            var at = events[i].Timestamp;
            if (at > tooNew)
            {
                tooNewStart ??= i;
            }
            else if (at < expired)
            {
                expiredEnd = i;
            }
            else if (at < tooOld)
            {
                tooOldEnd = i;
            }
            else
            {
                first = first < 0 ? i : first;
                last = i;
            }
        }

        if (first >= 0 && events[last].Timestamp - events[first].Timestamp > s_maxSpan)
        {
            throw LogsErrors.InvalidParameter("The batch of log events in a single PutLogEvents request cannot span more than 24 hours.");
        }

        var accepted = first < 0 ? [] : events.Skip(first).Take(last - first + 1).ToArray();
        return new PutLogEventsOutcome(accepted, tooNewStart, tooOldEnd, expiredEnd);
    }

    [GeneratedRegex(@"^[\.\-_/#A-Za-z0-9]+\z")]
    private static partial Regex GroupNameRegex();

    [GeneratedRegex("^[^:*]*\\z")]
    private static partial Regex StreamNameRegex();
}
