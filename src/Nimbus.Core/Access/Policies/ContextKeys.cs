// SPDX-License-Identifier: Apache-2.0
using System.Globalization;
using System.Net;

namespace Nimbus.Core.Access.Policies;

/// <summary>A request's condition keys; names compare case-insensitively, as IAM's do.</summary>
public sealed class ContextKeys
{
    private readonly Dictionary<string, ContextValue> _values = new(StringComparer.OrdinalIgnoreCase);

    public int Count => _values.Count;

    public ContextKeys Set(string key, ContextValue value)
    {
        _values[key] = value;
        return this;
    }

    public ContextKeys Set(string key, string value) => Set(key, ContextValue.Of(value));

    /// <summary>Copies every key of <paramref name="other"/> into this set, replacing keys of the same name.</summary>
    public ContextKeys AddFrom(ContextKeys other)
    {
        ArgumentNullException.ThrowIfNull(other);
        foreach (var (key, value) in other._values)
        {
            _values[key] = value;
        }

        return this;
    }

    public bool TryGet(string key, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out ContextValue? value) =>
        _values.TryGetValue(key, out value);

    /// <summary>The value of a single-valued key, as a policy variable reads it; a multivalued key has none.</summary>
    public bool TryGetSingleText(string key, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out string? text)
    {
        if (_values.TryGetValue(key, out var value) && value.Count == 1)
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
        var keys = new ContextKeys()
            .Set(GlobalConditionKeys.PrincipalArn, caller.Arn)
            .Set(GlobalConditionKeys.PrincipalAccount, caller.Account)
            .Set(GlobalConditionKeys.PrincipalType, caller.PrincipalType)
            .Set(GlobalConditionKeys.UserId, caller.UserId)
            .Set(GlobalConditionKeys.SourceIp, ContextValue.Ip(sourceIp))
            .Set(GlobalConditionKeys.CurrentTime, ContextValue.Date(now))
            .Set(GlobalConditionKeys.EpochTime, now.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture))
            .Set(GlobalConditionKeys.RequestedRegion, region)
            .Set(GlobalConditionKeys.SecureTransport, ContextValue.Bool(secureTransport));
        if (caller.UserName is { } userName)
        {
            keys.Set(GlobalConditionKeys.Username, userName);
        }

        return keys;
    }
}
