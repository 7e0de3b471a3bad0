// SPDX-License-Identifier: Apache-2.0
namespace Nimbus.Core.Access.Policies;

/// <summary>One statement of a policy, compiled: its patterns and conditions are ready to evaluate.</summary>
public sealed class PolicyStatement
{
    private readonly WildcardPattern[] _actions;
    private readonly ArnPattern[] _resources;
    private readonly ConditionClause[] _conditions;

    internal PolicyStatement(
        string? sid,
        PolicyEffect effect,
        PrincipalSet? principal,
        bool notPrincipal,
        string[] actions,
        bool notAction,
        string[] resources,
        bool notResource,
        ConditionClause[] conditions,
        bool variables)
    {
        Sid = sid;
        Effect = effect;
        Principal = principal;
        IsNotPrincipal = notPrincipal;
        Actions = Array.AsReadOnly(actions);
        IsNotAction = notAction;
        Resources = Array.AsReadOnly(resources);
        IsNotResource = notResource;
        _conditions = conditions;
        // Actions take no policy variables; they match case-insensitively.
        _actions = [.. actions.Select(a => WildcardPattern.Compile(a, wildcards: true, variables: false, ignoreCase: true))];
        _resources = [.. resources.Select(r => ArnPattern.Compile(r, variables))];
    }

    public string? Sid { get; }

    public PolicyEffect Effect { get; }

    /// <summary>The Principal, or the NotPrincipal when <see cref="IsNotPrincipal"/>; null in identity-based policies.</summary>
    public PrincipalSet? Principal { get; }

    public bool IsNotPrincipal { get; }

    public IReadOnlyList<string> Actions { get; }

    public bool IsNotAction { get; }

    /// <summary>The Resource, or the NotResource when <see cref="IsNotResource"/>; empty in a trust policy.</summary>
    public IReadOnlyList<string> Resources { get; }

    public bool IsNotResource { get; }

    public int ConditionCount => _conditions.Length;

    /// <summary>Whether the statement applies to the request; for a statement with a Principal, how it names the
    /// caller (<see cref="PrincipalMatch.None"/> when it does not apply).</summary>
    internal PrincipalMatch Applies(RequestContext request)
    {
        if (!MatchesAction(request) || !MatchesResource(request))
        {
            return PrincipalMatch.None;
        }

        var principal = PrincipalMatch.Direct;
        if (Principal is { } set)
        {
            principal = set.Match(request);
            if (IsNotPrincipal)
            {
                principal = principal == PrincipalMatch.None ? PrincipalMatch.Direct : PrincipalMatch.None;
            }

            if (principal == PrincipalMatch.None)
            {
                return principal;
            }
        }

        foreach (var condition in _conditions)
        {
            if (!condition.Holds(request))
            {
                return PrincipalMatch.None;
            }
        }

        return principal;
    }

    private bool MatchesAction(RequestContext request)
    {
        var any = false;
        foreach (var action in _actions)
        {
            if (action.Match(request.Action, request) == PatternMatch.Match)
            {
                any = true;
                break;
            }
        }

        return any != IsNotAction;
    }

    private bool MatchesResource(RequestContext request)
    {
        if (_resources.Length == 0)
        {
            // A trust policy has no Resource: the role it is attached to is the resource.
            return true;
        }

        var any = false;
        foreach (var resource in _resources)
        {
            var match = resource.Match(request.Resource, request);
            if (match == PatternMatch.Unresolvable)
            {
                return false;
            }

            any |= match == PatternMatch.Match;
        }

        return any != IsNotResource;
    }
}
