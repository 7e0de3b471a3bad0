// SPDX-License-Identifier: Apache-2.0
using System.Text.Json;

namespace Nimbus.Core.Access.Policies;

public static partial class PolicyParser
{
    private static PolicyStatement ReadStatement(JsonElement element, PolicyKind kind, bool variables, HashSet<string> sids)
    {
        if (element.ValueKind != JsonValueKind.Object)
        {
            throw Fail(PolicyErrors.Syntax());
        }

        string? sid = null;
        string? effect = null;
        JsonElement? principal = null, notPrincipal = null, action = null, notAction = null, resource = null, notResource = null, condition = null;
        foreach (var property in element.EnumerateObject())
        {
            switch (property.Name)
            {
                case "Sid": sid = Text(property.Value); break;
                case "Effect": effect = Text(property.Value); break;
                case "Principal": principal = Once(principal, property.Value); break;
                case "NotPrincipal": notPrincipal = Once(notPrincipal, property.Value); break;
                case "Action": action = Once(action, property.Value); break;
                case "NotAction": notAction = Once(notAction, property.Value); break;
                case "Resource": resource = Once(resource, property.Value); break;
                case "NotResource": notResource = Once(notResource, property.Value); break;
                case "Condition": condition = Once(condition, property.Value); break;
                default: throw Fail(PolicyErrors.Syntax());
            }
        }

        if (sid is not null)
        {
            if (kind == PolicyKind.Identity && sid.AsSpan().ContainsAnyExcept(SidCharacters))
            {
                throw Fail(PolicyErrors.Malformed(PolicyErrors.SidNotAlphanumeric));
            }

            if (sid.Length > 0 && !sids.Add(sid))
            {
                throw Fail(PolicyErrors.Malformed(PolicyErrors.DuplicateSid));
            }
        }

        var parsedEffect = effect switch
        {
            null => throw Fail(PolicyErrors.MissingField("Effect")),
            "Allow" => PolicyEffect.Allow,
            "Deny" => PolicyEffect.Deny,
            _ => throw Fail(PolicyErrors.InvalidEffect(effect)),
        };

        var principals = ReadPrincipal(kind, principal, notPrincipal);
        var (actions, isNotAction) = ReadActions(action, notAction);
        var (resources, isNotResource) = ReadResources(kind, resource, notResource);
        var conditions = condition is { } block ? ReadConditions(block, variables) : [];
        return new PolicyStatement(sid, parsedEffect, principals, notPrincipal is not null, actions, isNotAction, resources, isNotResource, conditions, variables);
    }

    private static readonly System.Buffers.SearchValues<char> SidCharacters =
        System.Buffers.SearchValues.Create("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz");

    private static JsonElement Once(JsonElement? seen, JsonElement value) =>
        seen is null ? value : throw Fail(PolicyErrors.Syntax());

    private static (string[] Actions, bool Not) ReadActions(JsonElement? action, JsonElement? notAction)
    {
        if (action is not null && notAction is not null)
        {
            throw Fail(PolicyErrors.Syntax());
        }

        if ((action ?? notAction) is not { } element)
        {
            throw Fail(PolicyErrors.Malformed(PolicyErrors.MissingActions));
        }

        var actions = Texts(element);
        if (actions.Length == 0)
        {
            throw Fail(PolicyErrors.Malformed(PolicyErrors.MissingActions));
        }

        foreach (var name in actions)
        {
            if (name != "*" && !HasVendor(name))
            {
                throw Fail(PolicyErrors.Malformed(PolicyErrors.MissingVendor));
            }
        }

        return (actions, notAction is not null);
    }

    /// <summary>"service:rest": a non-empty prefix before a colon, as IAM wants for actions and condition keys.</summary>
    private static bool HasVendor(string name) => name.IndexOf(':', StringComparison.Ordinal) > 0;

    private static (string[] Resources, bool Not) ReadResources(PolicyKind kind, JsonElement? resource, JsonElement? notResource)
    {
        if (resource is not null && notResource is not null)
        {
            throw Fail(PolicyErrors.Syntax());
        }

        var element = resource ?? notResource;
        if (kind == PolicyKind.Trust)
        {
            return element is null ? ([], false) : throw Fail(PolicyErrors.Malformed(PolicyErrors.ProhibitedResource));
        }

        if (element is not { } present)
        {
            throw Fail(PolicyErrors.MissingField("Resource"));
        }

        var resources = Texts(present);
        if (resources.Length == 0)
        {
            throw Fail(PolicyErrors.MissingField("Resource"));
        }

        foreach (var arn in resources)
        {
            if (arn != "*" && !arn.StartsWith("arn:", StringComparison.Ordinal))
            {
                throw Fail(PolicyErrors.ResourceNotArn(arn));
            }
        }

        return (resources, notResource is not null);
    }

    private static PrincipalSet? ReadPrincipal(PolicyKind kind, JsonElement? principal, JsonElement? notPrincipal)
    {
        if (kind == PolicyKind.Identity)
        {
            return principal is null && notPrincipal is null ? null : throw Fail(PolicyErrors.Malformed(PolicyErrors.PrincipalNotAllowed));
        }

        if (principal is not null && notPrincipal is not null)
        {
            throw Fail(PolicyErrors.Syntax());
        }

        if ((principal ?? notPrincipal) is not { } element)
        {
            throw Fail(PolicyErrors.MissingField("Principal"));
        }

        if (element.ValueKind == JsonValueKind.String)
        {
            return element.GetString() == "*"
                ? new PrincipalSet(isWildcard: true, [], [], [], [])
                : throw Fail(PolicyErrors.Syntax());
        }

        if (element.ValueKind != JsonValueKind.Object)
        {
            throw Fail(PolicyErrors.Syntax());
        }

        string[] aws = [], service = [], federated = [], canonical = [];
        var wildcard = false;
        foreach (var property in element.EnumerateObject())
        {
            var values = Texts(property.Value);
            switch (property.Name)
            {
                case "AWS":
                    aws = NormalizeAws(values, ref wildcard);
                    break;
                case "Service":
                    service = Require(values, "Service");
                    break;
                case "Federated":
                    federated = Require(values, "Federated");
                    break;
                case "CanonicalUser":
                    canonical = Require(values, "CanonicalUser");
                    break;
                default:
                    throw Fail(PolicyErrors.Syntax());
            }
        }

        return new PrincipalSet(wildcard, aws, service, federated, canonical);
    }

    private static string[] Require(string[] values, string type)
    {
        foreach (var value in values)
        {
            if (value.Length == 0 || value.Contains('*', StringComparison.Ordinal))
            {
                throw Fail(PolicyErrors.InvalidPrincipal(type, value));
            }
        }

        return values;
    }

    /// <summary>"*" is everyone; a 12-digit account id becomes its root ARN; anything else must be an iam or sts ARN
    /// with an account and no wildcard.</summary>
    private static string[] NormalizeAws(string[] values, ref bool wildcard)
    {
        var arns = new List<string>(values.Length);
        foreach (var value in values)
        {
            if (value == "*")
            {
                wildcard = true;
            }
            else if (value.Length == 12 && !value.AsSpan().ContainsAnyExceptInRange('0', '9'))
            {
                arns.Add($"arn:aws:iam::{value}:root");
            }
            else if (value.Split(':', 6) is ["arn", { Length: > 0 }, "iam" or "sts", "", { Length: 12 } account, { Length: > 0 }]
                && !account.AsSpan().ContainsAnyExceptInRange('0', '9') && !value.Contains('*', StringComparison.Ordinal))
            {
                arns.Add(value);
            }
            else
            {
                throw Fail(PolicyErrors.InvalidPrincipal("AWS", value));
            }
        }

        return [.. arns];
    }
}
