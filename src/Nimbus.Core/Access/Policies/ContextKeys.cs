// SPDX-License-Identifier: Apache-2.0
using System.Globalization;
using System.Net;

namespace Nimbus.Core.Access.Policies;

/// <summary>
/// A request's condition keys; names compare case-insensitively, as IAM's do. The global keys of a caller
/// (<see cref="ForCaller"/>) are filled in only when a policy first reads a key: a policy without conditions or
/// variables never does, so answering it builds nothing.
/// </summary>
public sealed class ContextKeys
{
    private Dictionary<string, ContextValue>? _values;
    private Caller? _caller;
    private ContextKeys? _added;

    public int Count => Values.Count;

    private Dictionary<string, ContextValue> Values
    {
        get
        {
            _values ??= new Dictionary<string, ContextValue>(StringComparer.OrdinalIgnoreCase);
            if (_caller is { } caller)
            {
                _caller = null;
                caller.Fill(_values);
            }

            if (_added is { } added)
            {
                _added = null;
                foreach (var (key, value) in added.Values)
                {
                    _values[key] = value;
                }
            }

            return _values;
        }
    }

    public ContextKeys Set(string key, ContextValue value)
    {
        Values[key] = value;
        return this;
    }

    public ContextKeys Set(string key, string value) => Set(key, ContextValue.Of(value));

    /// <summary>Copies every key of <paramref name="other"/> into this set, replacing keys of the same name.</summary>
    public ContextKeys AddFrom(ContextKeys other)
    {
        ArgumentNullException.ThrowIfNull(other);
        if (_added is null && _caller is not null)
        {
            // Still unread: copied when a key is first read, after the caller's keys it replaces.
            _added = other;
            return this;
        }

        foreach (var (key, value) in other.Values)
        {
            Values[key] = value;
        }

        return this;
    }

    public bool TryGet(string key, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out ContextValue? value) =>
        Values.TryGetValue(key, out value);

    /// <summary>The value of a single-valued key, as a policy variable reads it; a multivalued key has none.</summary>
    public bool TryGetSingleText(string key, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out string? text)
    {
        if (Values.TryGetValue(key, out var value) && value.Count == 1)
        {
            text = value[0].Text;
            return true;
        }

        text = null;
        return false;
    }

    /// <summary>
    /// The global keys of a caller's request: aws:PrincipalArn, aws:PrincipalAccount, aws:PrincipalType, aws:userid,
    /// aws:username (IAM users only, as AWS sets it), aws:SourceIp, aws:CurrentTime, aws:EpochTime,
    /// aws:RequestedRegion, aws:SecureTransport.
    /// </summary>
    public static ContextKeys ForCaller(CallerIdentity caller, IPAddress sourceIp, DateTimeOffset now, string region, bool secureTransport)
    {
        ArgumentNullException.ThrowIfNull(caller);
        ArgumentNullException.ThrowIfNull(sourceIp);
        return new ContextKeys { _caller = new Caller(caller, sourceIp, now, region, secureTransport) };
    }

    /// <summary>What <see cref="ForCaller"/> was given, until a key is read.</summary>
    private sealed record Caller(CallerIdentity Identity, IPAddress SourceIp, DateTimeOffset Now, string Region, bool SecureTransport)
    {
        public void Fill(Dictionary<string, ContextValue> values)
        {
            if (Identity.PrincipalType != CallerIdentity.AnonymousType)
            {
                // An anonymous request has neither (IAM's global keys: present only for signed requests).
                values[GlobalConditionKeys.PrincipalArn] = ContextValue.Of(Identity.Arn);
                values[GlobalConditionKeys.PrincipalAccount] = ContextValue.Of(Identity.Account);
            }

            values[GlobalConditionKeys.PrincipalType] = ContextValue.Of(Identity.PrincipalType);
            values[GlobalConditionKeys.UserId] = ContextValue.Of(Identity.UserId);
            values[GlobalConditionKeys.SourceIp] = ContextValue.Ip(SourceIp);
            values[GlobalConditionKeys.CurrentTime] = ContextValue.Date(Now);
            values[GlobalConditionKeys.EpochTime] = ContextValue.Of(Now.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture));
            values[GlobalConditionKeys.RequestedRegion] = ContextValue.Of(Region);
            values[GlobalConditionKeys.SecureTransport] = ContextValue.Bool(SecureTransport);
            if (Identity.UserName is { } userName)
            {
                values[GlobalConditionKeys.Username] = ContextValue.Of(userName);
            }
        }
    }
}
