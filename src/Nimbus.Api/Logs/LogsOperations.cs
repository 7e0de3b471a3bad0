// SPDX-License-Identifier: Apache-2.0
using Nimbus.Core.Logs;
using Nimbus.Core.Validation;

namespace Nimbus.Api.Logs;

/// <summary>
/// The CloudWatch Logs operations: each validates as botocore's logs model says, authorizes the caller with the
/// action and resource AWS checks, and answers in the model's shape.
/// </summary>
internal static partial class LogsOperations
{
    public static Task RunAsync(string operation, LogsCall call) => operation switch
    {
        "CreateLogGroup" => CreateLogGroupAsync(call),
        "DeleteLogGroup" => DeleteLogGroupAsync(call),
        "DescribeLogGroups" => DescribeLogGroupsAsync(call),
        "PutRetentionPolicy" => PutRetentionPolicyAsync(call),
        "DeleteRetentionPolicy" => DeleteRetentionPolicyAsync(call),
        "CreateLogStream" => CreateLogStreamAsync(call),
        "DeleteLogStream" => DeleteLogStreamAsync(call),
        "DescribeLogStreams" => DescribeLogStreamsAsync(call),
        "PutLogEvents" => PutLogEventsAsync(call),
        "GetLogEvents" => GetLogEventsAsync(call),
        "FilterLogEvents" => FilterLogEventsAsync(call),
        "TagResource" => TagResourceAsync(call),
        "UntagResource" => UntagResourceAsync(call),
        "ListTagsForResource" => ListTagsForResourceAsync(call),
        "TagLogGroup" => TagLogGroupAsync(call),
        "UntagLogGroup" => UntagLogGroupAsync(call),
        "ListTagsLogGroup" => ListTagsLogGroupAsync(call),
        _ => throw LogsErrors.UnknownOperation(operation),
    };

    private static async Task CreateLogGroupAsync(LogsCall call)
    {
        var name = call.String("logGroupName");
        var tags = call.Map("tags");
        var errors = new ValidationErrors();
        Required(errors, name, "logGroupName");
        LogRules.GroupName(errors, name, "logGroupName");
        errors.Length(call.String("kmsKeyId"), "kmsKeyId", 0, 256);
        errors.Enum(call.String("logGroupClass"), "logGroupClass", ["STANDARD", "INFREQUENT_ACCESS", "DELIVERY"]);
        Tags(errors, tags, "tags");
        Throw(errors);

        await call.AuthorizeAsync("logs:CreateLogGroup", LogArns.GroupResource(call.Scope, name!));
        if (tags is { Count: > 0 })
        {
            // AWS also asks for logs:TagResource when a group is created with tags.
            await call.AuthorizeAsync("logs:TagResource", LogArns.GroupResource(call.Scope, name!));
        }

        if (!await call.Store.CreateGroupAsync(call.Scope, name!, call.Now, tags ?? [], call.Aborted))
        {
            throw LogsErrors.GroupExists();
        }
    }

    private static async Task DeleteLogGroupAsync(LogsCall call)
    {
        var name = GroupName(call);
        await call.AuthorizeAsync("logs:DeleteLogGroup", LogArns.GroupResource(call.Scope, name));
        if (!await call.Store.DeleteGroupAsync(call.Scope, name, call.Aborted))
        {
            throw LogsErrors.GroupNotFound();
        }
    }

    private static async Task DescribeLogGroupsAsync(LogsCall call)
    {
        var prefix = call.String("logGroupNamePrefix");
        var pattern = call.String("logGroupNamePattern");
        var limit = call.Int("limit");
        var token = call.String("nextToken");
        var errors = new ValidationErrors();
        LogRules.GroupName(errors, prefix, "logGroupNamePrefix");
        errors.Length(pattern, "logGroupNamePattern", 0, 512);
        errors.Range(limit, "limit", 1, 50);
        Throw(errors);
        if (prefix is not null && pattern is not null)
        {
            // AWS refuses both together; its exact text is not documented.
            throw LogsErrors.InvalidParameter("LogGroup name prefix and LogGroup name pattern are mutually exclusive parameters.");
        }

        await call.AuthorizeAsync("logs:DescribeLogGroups", $"arn:aws:logs:{call.Scope.Region}:{call.Scope.Account}:log-group::log-stream:");
        var after = token is null ? null : LogTokens.Unwrap(token) ?? throw InvalidToken();
        var page = limit ?? 50;
        var groups = await call.Store.ListGroupsAsync(call.Scope, new LogGroupQuery { Prefix = prefix, Contains = pattern is { Length: > 0 } ? pattern : null, After = after, Limit = page }, call.Aborted);
        var json = call.Output;
        json.WriteStartObject();
        json.WriteStartArray("logGroups");
        foreach (var group in groups.Take(page))
        {
            json.WriteStartObject();
            json.WriteString("logGroupName", group.Name);
            json.WriteNumber("creationTime", group.CreationTime);
            if (group.RetentionInDays is { } days)
            {
                json.WriteNumber("retentionInDays", days);
            }

            json.WriteNumber("metricFilterCount", 0);
            json.WriteString("arn", LogArns.GroupWithWildcard(call.Scope, group.Name));
            json.WriteNumber("storedBytes", group.StoredBytes);
            json.WriteString("logGroupClass", "STANDARD");
            json.WriteString("logGroupArn", LogArns.Group(call.Scope, group.Name));
            json.WriteEndObject();
        }

        json.WriteEndArray();
        if (groups.Count > page)
        {
            json.WriteString("nextToken", LogTokens.Wrap(groups[page - 1].Name));
        }

        json.WriteEndObject();
    }

    private static async Task PutRetentionPolicyAsync(LogsCall call)
    {
        var days = call.Int("retentionInDays");
        var errors = new ValidationErrors();
        var name = call.String("logGroupName");
        Required(errors, name, "logGroupName");
        LogRules.GroupName(errors, name, "logGroupName");
        if (days is null)
        {
            errors.Add(null, "retentionInDays", "Member must not be null");
        }

        LogRules.Retention(errors, days);
        Throw(errors);
        await call.AuthorizeAsync("logs:PutRetentionPolicy", LogArns.GroupResource(call.Scope, name!));
        if (!await call.Store.SetRetentionAsync(call.Scope, name!, days, call.Aborted))
        {
            throw LogsErrors.GroupNotFound();
        }
    }

    private static async Task DeleteRetentionPolicyAsync(LogsCall call)
    {
        var name = GroupName(call);
        await call.AuthorizeAsync("logs:DeleteRetentionPolicy", LogArns.GroupResource(call.Scope, name));
        if (!await call.Store.SetRetentionAsync(call.Scope, name, null, call.Aborted))
        {
            throw LogsErrors.GroupNotFound();
        }
    }

    /// <summary>The required, valid <c>logGroupName</c>.</summary>
    private static string GroupName(LogsCall call)
    {
        var name = call.String("logGroupName");
        var errors = new ValidationErrors();
        Required(errors, name, "logGroupName");
        LogRules.GroupName(errors, name, "logGroupName");
        Throw(errors);
        return name!;
    }

    /// <summary>
    /// The group of a read: <c>logGroupName</c> or <c>logGroupIdentifier</c> (a name or ARN), exactly one of them.
    /// </summary>
    private static string ReadGroup(LogsCall call)
    {
        var name = call.String("logGroupName");
        var identifier = call.String("logGroupIdentifier");
        var errors = new ValidationErrors();
        LogRules.GroupName(errors, name, "logGroupName");
        errors.Length(identifier, "logGroupIdentifier", 1, 2048);
        Throw(errors);
        if ((name is null) == (identifier is null))
        {
            // AWS: "You must include one of these two parameters, but you can't include both"; its error text is not documented.
            throw LogsErrors.InvalidParameter("LogGroupName and LogGroupIdentifier are mutually exclusive parameters, and one of them is required.");
        }

        return name ?? LogArns.GroupName(call.Scope, identifier!) ?? throw LogsErrors.GroupNotFound();
    }

    private static void Required(ValidationErrors errors, string? value, string field)
    {
        if (value is null)
        {
            errors.Add(null, field, "Member must not be null");
        }
    }

    private static void Tags(ValidationErrors errors, Dictionary<string, string>? tags, string field)
    {
        if (tags is null)
        {
            return;
        }

        if (tags.Count > LogRules.MaxTags)
        {
            errors.Add(null, field, $"Member must have length less than or equal to {LogRules.MaxTags}");
        }

        foreach (var (key, value) in tags)
        {
            errors.Length(key, $"{field}.key", 1, 128);
            errors.Length(value, $"{field}.value", 0, 256);
        }
    }

    private static void Throw(ValidationErrors errors)
    {
        if (errors.Describe() is { } message)
        {
            throw LogsErrors.Validation(message);
        }
    }

    /// <summary>A nextToken this server did not give out. AWS's text for it is not documented.</summary>
    private static LogsException InvalidToken() => LogsErrors.InvalidParameter("The specified nextToken is invalid.");
}
