// SPDX-License-Identifier: Apache-2.0
using Microsoft.AspNetCore.Http;
using Nimbus.Api.Access;
using Nimbus.Core.Access;
using Nimbus.Core.Access.Iam;

namespace Nimbus.Api.Iam;

/// <summary>One IAM or STS query-protocol request: its form parameters, its caller, and the XML of its result.</summary>
internal sealed class IamCall
{
    public required HttpContext Context { get; init; }

    public required IReadOnlyDictionary<string, string> Parameters { get; init; }

    public required QueryXml Output { get; init; }

    public required IamService Iam { get; init; }

    public CallerIdentity Caller => Context.Caller();

    /// <summary>The caller's account: IAM's entities are the account's.</summary>
    public string Account => Caller.Account;

    public CancellationToken Aborted => Context.RequestAborted;

    /// <summary>A parameter's value; null when the form does not have it.</summary>
    public string? this[string name] => Parameters.TryGetValue(name, out var value) ? value : null;

    public ValueTask AuthorizeAsync(string action, string resource) => Context.AuthorizeAsync(action, resource);

    /// <summary>Tags.member.N.Key / Tags.member.N.Value, N from 1, as the query protocol flattens a list.</summary>
    public IReadOnlyList<IamTag> Tags(string list = "Tags")
    {
        var tags = new List<IamTag>();
        for (var n = 1; Parameters.TryGetValue($"{list}.member.{n}.Key", out var key); n++)
        {
            tags.Add(new IamTag(key, this[$"{list}.member.{n}.Value"] ?? string.Empty));
        }

        return tags;
    }

    /// <summary>A list of strings: NAME.member.1, NAME.member.2 ...</summary>
    public IReadOnlyList<string> Strings(string list)
    {
        var values = new List<string>();
        for (var n = 1; Parameters.TryGetValue($"{list}.member.{n}", out var value); n++)
        {
            values.Add(value);
        }

        return values;
    }

    /// <summary>
    /// The user a request names, or when it names none, the calling user (GetUser, the access-key operations); IAM
    /// refuses the omission for any other caller.
    /// </summary>
    public string UserNameOrCaller()
    {
        if (this["UserName"] is { } named)
        {
            return named;
        }

        // IAM's text for a role session; the root user (whose own keys IAM would manage) is refused the same way here.
        return Caller.UserName ?? throw new IamException(IamErrors.ValidationErrorCode, 400, "Must specify userName when calling with non-User credentials");
    }
}
