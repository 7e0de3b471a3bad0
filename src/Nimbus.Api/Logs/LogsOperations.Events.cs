// SPDX-License-Identifier: Apache-2.0
using System.Globalization;
using System.Text.Json;
using Nimbus.Core.Logs;
using Nimbus.Core.Logs.Patterns;
using Nimbus.Core.Storage;
using Nimbus.Core.Validation;

namespace Nimbus.Api.Logs;

internal static partial class LogsOperations
{
    private const int MaxEventBytes = 1_048_576;

    private static async Task PutLogEventsAsync(LogsCall call)
    {
        var (group, stream) = GroupAndStream(call);
        var events = ReadEvents(call);
        await call.AuthorizeAsync("logs:PutLogEvents", LogArns.Stream(call.Scope, group, stream));

        // The sequence token is ignored, as AWS now does: every batch is accepted, in parallel too.
        var info = await call.Store.GetGroupAsync(call.Scope, group, call.Aborted) ?? throw LogsErrors.GroupNotFound();
        var now = call.Time.GetUtcNow();
        var outcome = LogRules.CheckBatch(events, now, info.RetentionInDays);
        Check(await call.Store.PutEventsAsync(call.Scope, group, stream, outcome.Accepted, now.ToUnixTimeMilliseconds(), call.Aborted));

        var json = call.Output;
        json.WriteStartObject();
        json.WriteString("nextSequenceToken", LogTokens.EventId(new LogCursor(now.ToUnixTimeMilliseconds(), events.Count)));
        if (outcome.AnyRejected)
        {
            json.WriteStartObject("rejectedLogEventsInfo");
            if (outcome.TooNewLogEventStartIndex is { } tooNew)
            {
                json.WriteNumber("tooNewLogEventStartIndex", tooNew);
            }

            if (outcome.TooOldLogEventEndIndex is { } tooOld)
            {
                json.WriteNumber("tooOldLogEventEndIndex", tooOld);
            }

            if (outcome.ExpiredLogEventEndIndex is { } expired)
            {
                json.WriteNumber("expiredLogEventEndIndex", expired);
            }

            json.WriteEndObject();
        }

        json.WriteEndObject();
    }

    private static List<LogEvent> ReadEvents(LogsCall call)
    {
        var errors = new ValidationErrors();
        if (call.Member("logEvents") is not { ValueKind: JsonValueKind.Array } array)
        {
            errors.Add(null, "logEvents", "Member must not be null");
            Throw(errors);
            return [];
        }

        var count = array.GetArrayLength();
        if (count is < 1 or > LogRules.MaxBatchEvents)
        {
            errors.Add(null, "logEvents", count < 1 ? "Member must have length greater than or equal to 1" : $"Member must have length less than or equal to {LogRules.MaxBatchEvents}");
            Throw(errors);
        }

        var events = new List<LogEvent>(count);
        var index = 0;
        foreach (var item in array.EnumerateArray())
        {
            index++;
            long? timestamp = item.ValueKind == JsonValueKind.Object && item.TryGetProperty("timestamp", out var t) && t.TryGetInt64(out var value) ? value : null;
            string? message = item.ValueKind == JsonValueKind.Object && item.TryGetProperty("message", out var m) && m.ValueKind == JsonValueKind.String ? m.GetString() : null;
            if (timestamp is >= 0 && message is { Length: > 0 } && (message.Length <= MaxEventBytes / 4 || System.Text.Encoding.UTF8.GetByteCount(message) <= MaxEventBytes))
            {
                // The common case, a valid event, names no field (the name is built only for an error).
                events.Add(new LogEvent(DateTimeOffset.FromUnixTimeMilliseconds(Math.Min(timestamp.Value, DateTimeOffset.MaxValue.ToUnixTimeMilliseconds())), message));
                continue;
            }

            var field = string.Create(CultureInfo.InvariantCulture, $"logEvents.{index}.member");
            if (timestamp is null)
            {
                errors.Add(null, $"{field}.timestamp", "Member must not be null");
            }
            else if (timestamp < 0)
            {
                errors.Add(timestamp.Value.ToString(CultureInfo.InvariantCulture), $"{field}.timestamp", "Member must have value greater than or equal to 0");
            }

            if (message is null)
            {
                errors.Add(null, $"{field}.message", "Member must not be null");
            }
            else if (message.Length == 0)
            {
                errors.Add(message, $"{field}.message", "Member must have length greater than or equal to 1");
            }
            else if (message.Length > MaxEventBytes / 4 && System.Text.Encoding.UTF8.GetByteCount(message) > MaxEventBytes)
            {
                errors.Add(null, $"{field}.message", $"Member must have length less than or equal to {MaxEventBytes}");
            }
        }

        Throw(errors);
        return events;
    }

    private static async Task GetLogEventsAsync(LogsCall call)
    {
        var group = ReadGroup(call);
        var stream = call.String("logStreamName");
        var limit = call.Int("limit");
        var token = call.String("nextToken");
        var start = call.Long("startTime");
        var end = call.Long("endTime");
        var errors = new ValidationErrors();
        Required(errors, stream, "logStreamName");
        LogRules.StreamName(errors, stream, "logStreamName");
        errors.Range(limit, "limit", 1, LogRules.MaxBatchEvents);
        Throw(errors);
        await call.AuthorizeAsync("logs:GetLogEvents", LogArns.Stream(call.Scope, group, stream!));

        var forward = true;
        LogCursor position = new(start ?? 0, 0);
        if (token is not null && !LogTokens.TryParseDirectional(token, out forward, out position))
        {
            throw InvalidToken();
        }

        var range = new LogEventRange
        {
            StartTime = start,
            EndTime = end,
            After = token is not null && forward ? position : null,
            Before = token is not null && !forward ? position : null,
            FromTail = token is null && !(call.Bool("startFromHead") ?? false),
            Limit = limit ?? LogRules.MaxBatchEvents,
        };
        var page = await call.Store.GetEventsAsync(call.Scope, group, stream!, range, call.Aborted);
        Check(page.Status);

        string nextForward, nextBackward;
        if (page.Events.Count > 0)
        {
            nextForward = LogTokens.Forward(page.Events[^1].Cursor);
            nextBackward = LogTokens.Backward(page.Events[0].Cursor);
        }
        else if (token is not null)
        {
            // Nothing further this way: the same token comes back, as AWS's paging loop expects.
            nextForward = forward ? token : LogTokens.Forward(position with { Id = position.Id - 1 });
            nextBackward = forward ? LogTokens.Backward(position with { Id = position.Id + 1 }) : token;
        }
        else
        {
            nextForward = LogTokens.Forward(position);
            nextBackward = LogTokens.Backward(position);
        }

        var json = call.Output;
        json.WriteStartObject();
        json.WriteStartArray("events");
        foreach (var record in page.Events)
        {
            json.WriteStartObject();
            json.WriteNumber("timestamp", record.Timestamp);
            json.WriteString("message", record.Message);
            json.WriteNumber("ingestionTime", record.IngestionTime);
            json.WriteEndObject();
        }

        json.WriteEndArray();
        json.WriteString("nextForwardToken", nextForward);
        json.WriteString("nextBackwardToken", nextBackward);
        json.WriteEndObject();
    }

    private static async Task FilterLogEventsAsync(LogsCall call)
    {
        var group = ReadGroup(call);
        var names = call.Strings("logStreamNames");
        var prefix = call.String("logStreamNamePrefix");
        var patternText = call.String("filterPattern");
        var limit = call.Int("limit");
        var token = call.String("nextToken");
        var errors = new ValidationErrors();
        LogRules.StreamName(errors, prefix, "logStreamNamePrefix");
        errors.Length(patternText, "filterPattern", 0, 1024);
        errors.Range(limit, "limit", 1, LogRules.MaxBatchEvents);
        if (names is { Count: < 1 or > 100 })
        {
            errors.Add(null, "logStreamNames", names.Count < 1 ? "Member must have length greater than or equal to 1" : "Member must have length less than or equal to 100");
        }

        Throw(errors);
        if (names is not null && prefix is not null)
        {
            // AWS refuses both together; its exact text is not documented.
            throw LogsErrors.InvalidParameter("logStreamNames and logStreamNamePrefix are mutually exclusive parameters.");
        }

        FilterPattern pattern;
        try
        {
            pattern = FilterPattern.Compile(patternText);
        }
        catch (InvalidFilterPatternException ex)
        {
            // AWS answers a malformed pattern with InvalidParameterException; its text varies and is not documented.
            throw LogsErrors.InvalidParameter(ex.Message);
        }

        await call.AuthorizeAsync("logs:FilterLogEvents", LogArns.GroupResource(call.Scope, group));
        LogCursor? after = null;
        if (token is not null)
        {
            after = LogTokens.TryParseCursor(token, out var cursor) ? cursor : throw InvalidToken();
        }

        var query = new LogFilterQuery
        {
            StreamNames = names,
            StreamPrefix = prefix,
            StartTime = call.Long("startTime"),
            EndTime = call.Long("endTime"),
            Descending = call.Bool("startFromHead") == false,
            After = after,
            RequiredSubstrings = pattern.RequiredSubstrings,
            RequiredUnlessUnicodeEscaped = pattern.RequiredUnlessUnicodeEscaped,
            Limit = limit ?? LogRules.MaxBatchEvents,
        };
        var page = await call.Store.FilterEventsAsync(call.Scope, group, query, pattern.IsMatch, call.Aborted);
        if (!page.GroupFound)
        {
            throw LogsErrors.GroupNotFound();
        }

        var json = call.Output;
        json.WriteStartObject();
        json.WriteStartArray("events");
        foreach (var record in page.Events)
        {
            json.WriteStartObject();
            json.WriteString("logStreamName", record.Stream);
            json.WriteNumber("timestamp", record.Timestamp);
            json.WriteString("message", record.Message);
            json.WriteNumber("ingestionTime", record.IngestionTime);
            json.WriteString("eventId", LogTokens.EventId(record.Cursor));
            json.WriteEndObject();
        }

        json.WriteEndArray();
        json.WriteStartArray("searchedLogStreams");
        foreach (var name in page.SearchedStreams)
        {
            json.WriteStartObject();
            json.WriteString("logStreamName", name);
            json.WriteBoolean("searchedCompletely", page.Next is null);
            json.WriteEndObject();
        }

        json.WriteEndArray();
        if (page.Next is { } next)
        {
            json.WriteString("nextToken", LogTokens.Cursor(next));
        }

        json.WriteEndObject();
    }
}
