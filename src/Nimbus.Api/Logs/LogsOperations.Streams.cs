// SPDX-License-Identifier: Apache-2.0
using Nimbus.Core.Logs;
using Nimbus.Core.Validation;

namespace Nimbus.Api.Logs;

internal static partial class LogsOperations
{
    private static async Task CreateLogStreamAsync(LogsCall call)
    {
        var (group, stream) = GroupAndStream(call);
        await call.AuthorizeAsync("logs:CreateLogStream", LogArns.Stream(call.Scope, group, stream));
        Check(await call.Store.CreateStreamAsync(call.Scope, group, stream, call.Now, call.Aborted));
    }

    private static async Task DeleteLogStreamAsync(LogsCall call)
    {
        var (group, stream) = GroupAndStream(call);
        await call.AuthorizeAsync("logs:DeleteLogStream", LogArns.Stream(call.Scope, group, stream));
        Check(await call.Store.DeleteStreamAsync(call.Scope, group, stream, call.Aborted));
    }

    private static async Task DescribeLogStreamsAsync(LogsCall call)
    {
        var group = ReadGroup(call);
        var prefix = call.String("logStreamNamePrefix");
        var orderBy = call.String("orderBy");
        var limit = call.Int("limit");
        var token = call.String("nextToken");
        var errors = new ValidationErrors();
        LogRules.StreamName(errors, prefix, "logStreamNamePrefix");
        errors.Enum(orderBy, "orderBy", ["LogStreamName", "LastEventTime"]);
        errors.Range(limit, "limit", 1, 50);
        Throw(errors);
        var byTime = orderBy == "LastEventTime";
        if (byTime && prefix is not null)
        {
            // AWS's text, as its SDKs show it.
            throw LogsErrors.InvalidParameter("Cannot order by LastEventTime with a logStreamNamePrefix.");
        }

        await call.AuthorizeAsync("logs:DescribeLogStreams", LogArns.GroupResource(call.Scope, group));
        var after = token is null ? null : LogTokens.Unwrap(token) ?? throw InvalidToken();
        var page = await call.Store.ListStreamsAsync(
            call.Scope,
            group,
            new LogStreamQuery { Prefix = prefix, OrderByLastEventTime = byTime, Descending = call.Bool("descending") ?? false, After = after, Limit = limit ?? 50 },
            call.Aborted);
        Check(page.Status);
        var json = call.Output;
        json.WriteStartObject();
        json.WriteStartArray("logStreams");
        foreach (var stream in page.Streams)
        {
            json.WriteStartObject();
            json.WriteString("logStreamName", stream.Name);
            json.WriteNumber("creationTime", stream.CreationTime);
            if (stream.FirstEventTimestamp is { } first)
            {
                json.WriteNumber("firstEventTimestamp", first);
            }

            if (stream.LastEventTimestamp is { } last)
            {
                json.WriteNumber("lastEventTimestamp", last);
            }

            if (stream.LastIngestionTime is { } ingestion)
            {
                json.WriteNumber("lastIngestionTime", ingestion);
                json.WriteString("uploadSequenceToken", LogTokens.EventId(new LogCursor(ingestion, stream.StoredBytes)));
            }

            json.WriteString("arn", LogArns.Stream(call.Scope, group, stream.Name));
            json.WriteNumber("storedBytes", stream.StoredBytes);
            json.WriteEndObject();
        }

        json.WriteEndArray();
        if (page.Next is { } next)
        {
            json.WriteString("nextToken", LogTokens.Wrap(next));
        }

        json.WriteEndObject();
    }

    private static (string Group, string Stream) GroupAndStream(LogsCall call)
    {
        var group = call.String("logGroupName");
        var stream = call.String("logStreamName");
        var errors = new ValidationErrors();
        Required(errors, group, "logGroupName");
        Required(errors, stream, "logStreamName");
        LogRules.GroupName(errors, group, "logGroupName");
        LogRules.StreamName(errors, stream, "logStreamName");
        Throw(errors);
        return (group!, stream!);
    }

    private static void Check(LogStreamStatus status)
    {
        switch (status)
        {
            case LogStreamStatus.GroupMissing:
                throw LogsErrors.GroupNotFound();
            case LogStreamStatus.StreamMissing:
                throw LogsErrors.StreamNotFound();
            case LogStreamStatus.AlreadyExists:
                throw LogsErrors.StreamExists();
        }
    }
}
