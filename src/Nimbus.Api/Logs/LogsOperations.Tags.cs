// SPDX-License-Identifier: Apache-2.0
using Nimbus.Core.Logs;
using Nimbus.Core.Validation;

namespace Nimbus.Api.Logs;

internal static partial class LogsOperations
{
    private static async Task TagResourceAsync(LogsCall call)
    {
        var (group, arn) = ResourceGroup(call);
        var tags = call.Map("tags");
        var errors = new ValidationErrors();
        if (tags is null)
        {
            errors.Add(null, "tags", "Member must not be null");
        }

        Tags(errors, tags, "tags");
        Throw(errors);
        await call.AuthorizeAsync("logs:TagResource", arn);
        await AddTagsAsync(call, group, arn, tags!);
    }

    private static async Task UntagResourceAsync(LogsCall call)
    {
        var (group, arn) = ResourceGroup(call);
        var keys = call.Strings("tagKeys");
        if (keys is null)
        {
            var errors = new ValidationErrors();
            errors.Add(null, "tagKeys", "Member must not be null");
            Throw(errors);
        }

        await call.AuthorizeAsync("logs:UntagResource", arn);
        await RemoveTagsAsync(call, group, keys!);
    }

    private static async Task ListTagsForResourceAsync(LogsCall call)
    {
        var (group, arn) = ResourceGroup(call);
        await call.AuthorizeAsync("logs:ListTagsForResource", arn);
        await WriteTagsAsync(call, group);
    }

    /// <summary>The deprecated group-name forms the CLI still offers (tag-log-group, untag-log-group, list-tags-log-group).</summary>
    private static async Task TagLogGroupAsync(LogsCall call)
    {
        var group = GroupName(call);
        var tags = call.Map("tags");
        var errors = new ValidationErrors();
        if (tags is null)
        {
            errors.Add(null, "tags", "Member must not be null");
        }

        Tags(errors, tags, "tags");
        Throw(errors);
        await call.AuthorizeAsync("logs:TagLogGroup", LogArns.GroupResource(call.Scope, group));
        await AddTagsAsync(call, group, LogArns.Group(call.Scope, group), tags!);
    }

    private static async Task UntagLogGroupAsync(LogsCall call)
    {
        var group = GroupName(call);
        var keys = call.Strings("tags");
        if (keys is null)
        {
            var errors = new ValidationErrors();
            errors.Add(null, "tags", "Member must not be null");
            Throw(errors);
        }

        await call.AuthorizeAsync("logs:UntagLogGroup", LogArns.GroupResource(call.Scope, group));
        await RemoveTagsAsync(call, group, keys!);
    }

    private static async Task ListTagsLogGroupAsync(LogsCall call)
    {
        var group = GroupName(call);
        await call.AuthorizeAsync("logs:ListTagsLogGroup", LogArns.GroupResource(call.Scope, group));
        await WriteTagsAsync(call, group);
    }

    private static async Task AddTagsAsync(LogsCall call, string group, string arn, Dictionary<string, string> tags)
    {
        var info = await call.Store.GetGroupAsync(call.Scope, group, call.Aborted) ?? throw LogsErrors.GroupNotFound();
        var merged = new Dictionary<string, string>(info.Tags, StringComparer.Ordinal);
        foreach (var (key, value) in tags)
        {
            merged[key] = value;
        }

        if (merged.Count > LogRules.MaxTags)
        {
            // The model's documentation of TooManyTagsException; AWS's exact text is not documented.
            throw new LogsException(LogsErrors.TooManyTagsType, $"A resource can have no more than {LogRules.MaxTags} tags. Resource: {arn}");
        }

        if (!await call.Store.SetTagsAsync(call.Scope, group, merged, call.Aborted))
        {
            throw LogsErrors.GroupNotFound();
        }
    }

    private static async Task RemoveTagsAsync(LogsCall call, string group, IReadOnlyList<string> keys)
    {
        var info = await call.Store.GetGroupAsync(call.Scope, group, call.Aborted) ?? throw LogsErrors.GroupNotFound();
        var kept = info.Tags.Where(tag => !keys.Contains(tag.Key)).ToDictionary(StringComparer.Ordinal);
        if (!await call.Store.SetTagsAsync(call.Scope, group, kept, call.Aborted))
        {
            throw LogsErrors.GroupNotFound();
        }
    }

    private static async Task WriteTagsAsync(LogsCall call, string group)
    {
        var info = await call.Store.GetGroupAsync(call.Scope, group, call.Aborted) ?? throw LogsErrors.GroupNotFound();
        var json = call.Output;
        json.WriteStartObject();
        json.WriteStartObject("tags");
        foreach (var (key, value) in info.Tags.OrderBy(t => t.Key, StringComparer.Ordinal))
        {
            json.WriteString(key, value);
        }

        json.WriteEndObject();
        json.WriteEndObject();
    }

    /// <summary>The group a <c>resourceArn</c> names. Only log groups carry tags here (destinations are not served).</summary>
    private static (string Group, string Arn) ResourceGroup(LogsCall call)
    {
        var arn = call.String("resourceArn");
        var errors = new ValidationErrors();
        Required(errors, arn, "resourceArn");
        errors.Length(arn, "resourceArn", 1, 1011);
        Throw(errors);
        if (!arn!.StartsWith("arn:", StringComparison.Ordinal) || LogArns.GroupName(call.Scope, arn) is not { } group)
        {
            // AWS's text for an ARN it cannot parse is not documented.
            throw LogsErrors.InvalidParameter($"Invalid resource ARN: {arn}");
        }

        return (group, LogArns.Group(call.Scope, group));
    }
}
