// SPDX-License-Identifier: Apache-2.0
using Nimbus.Core.Access.Policies;

namespace Nimbus.Core.Tests.Access.Policies;

/// <summary>Policies written with single quotes, for readable test tables, and a caller to evaluate them for.</summary>
internal static class PolicyJson
{
    public const string Alice = "arn:aws:iam::000000000000:user/alice";
    public const string FunctionF = "arn:aws:lambda:us-east-1:000000000000:function:f";

    public static string J(string singleQuoted) => singleQuoted.Replace('\'', '"');

    public static PolicyDocument Identity(string singleQuoted) => PolicyParser.Parse(J(singleQuoted), PolicyKind.Identity);

    public static PolicyDocument Resource(string singleQuoted) => PolicyParser.Parse(J(singleQuoted), PolicyKind.Resource);

    /// <summary>One identity policy of the given statements (single-quoted JSON objects, comma-separated).</summary>
    public static PolicyDocument Statements(string statements) =>
        Identity($"{{'Version': '2012-10-17', 'Statement': [{statements}]}}");

    public static RequestContext Request(string action, string resource, ContextKeys? keys = null, string principal = Alice) =>
        new(principal, action, resource, keys);

    public static PolicyDecision Decide(PolicyDocument policy, RequestContext request) =>
        PolicyEvaluator.Evaluate(request, [policy]).Decision;

    /// <summary>Keys written "name=value;name=v1|v2" (a bar makes a multivalued key); empty for none.</summary>
    public static ContextKeys Keys(string spec)
    {
        var keys = new ContextKeys();
        foreach (var pair in spec.Split(';', StringSplitOptions.RemoveEmptyEntries))
        {
            var at = pair.IndexOf('=', StringComparison.Ordinal);
            var values = pair[(at + 1)..];
            keys.Set(pair[..at], values.Contains('|', StringComparison.Ordinal) || values.Length == 0
                ? ContextValue.Of(values.Split('|', StringSplitOptions.RemoveEmptyEntries))
                : ContextValue.Of(values));
        }

        return keys;
    }
}
