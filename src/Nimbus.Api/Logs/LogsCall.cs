// SPDX-License-Identifier: Apache-2.0
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Nimbus.Api.Access;
using Nimbus.Core.Arns;
using Nimbus.Core.Logs;
using Nimbus.Core.Storage;

namespace Nimbus.Api.Logs;

/// <summary>One Logs call: its JSON input, the writer of its answer, the caller's scope and the store.</summary>
internal sealed class LogsCall
{
    public required HttpContext Context { get; init; }

    public required JsonElement Input { get; init; }

    public required Utf8JsonWriter Output { get; init; }

    public required Scope Scope { get; init; }

    public required ILogGroupStore Store { get; init; }

    public required TimeProvider Time { get; init; }

    public CancellationToken Aborted => Context.RequestAborted;

    public long Now => Time.GetUtcNow().ToUnixTimeMilliseconds();

    public ValueTask AuthorizeAsync(string action, string resource) => Context.AuthorizeAsync(action, resource);

    public string? String(string member) => Member(member) switch
    {
        null => null,
        { ValueKind: JsonValueKind.String } value => value.GetString(),
        _ => throw Serialization(member),
    };

    public long? Long(string member) => Member(member) switch
    {
        null => null,
        { ValueKind: JsonValueKind.Number } value when value.TryGetInt64(out var number) => number,
        _ => throw Serialization(member),
    };

    public int? Int(string member) => Member(member) switch
    {
        null => null,
        { ValueKind: JsonValueKind.Number } value when value.TryGetInt32(out var number) => number,
        _ => throw Serialization(member),
    };

    public bool? Bool(string member) => Member(member) switch
    {
        null => null,
        { ValueKind: JsonValueKind.True } => true,
        { ValueKind: JsonValueKind.False } => false,
        _ => throw Serialization(member),
    };

    public IReadOnlyList<string>? Strings(string member)
    {
        if (Member(member) is not { } value)
        {
            return null;
        }

        if (value.ValueKind != JsonValueKind.Array)
        {
            throw Serialization(member);
        }

        var list = new List<string>(value.GetArrayLength());
        foreach (var item in value.EnumerateArray())
        {
            list.Add(item.ValueKind == JsonValueKind.String ? item.GetString()! : throw Serialization(member));
        }

        return list;
    }

    public Dictionary<string, string>? Map(string member)
    {
        if (Member(member) is not { } value)
        {
            return null;
        }

        if (value.ValueKind != JsonValueKind.Object)
        {
            throw Serialization(member);
        }

        var map = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var property in value.EnumerateObject())
        {
            map[property.Name] = property.Value.ValueKind == JsonValueKind.String ? property.Value.GetString()! : throw Serialization(member);
        }

        return map;
    }

    public JsonElement? Member(string member) =>
        Input.ValueKind == JsonValueKind.Object && Input.TryGetProperty(member, out var value) && value.ValueKind != JsonValueKind.Null ? value : null;

    /// <summary>
    /// A member of the wrong JSON type. AWS's JSON services answer SerializationException; its text is not
    /// documented, so ours names the member.
    /// </summary>
    private static LogsException Serialization(string member) => new("SerializationException", $"The value of '{member}' has the wrong type.");
}
