// SPDX-License-Identifier: Apache-2.0
using Nimbus.Core.Access.Credentials;
using Nimbus.Core.Access.Identity;
using Nimbus.Core.Access.Policies;
using Nimbus.Core.Storage;

namespace Nimbus.Core.Access.Iam;

/// <summary>
/// STS's AssumeRole once the caller has been authorized: checks the session's name and duration as STS does, issues
/// temporary credentials (ASIA…, a secret, a session token) of the session
/// <c>arn:aws:sts::ACCOUNT:assumed-role/ROLE/SESSION</c>, stores them (encrypted) before they are returned, so an
/// acknowledged credential survives a crash, and adds them to the <see cref="CredentialDirectory"/>.
/// </summary>
public sealed class StsService(IIdentityStore store, CredentialDirectory credentials, TimeProvider time)
{
    public const int DefaultDurationSeconds = 3600;
    public const string AssumeRoleAction = "sts:AssumeRole";

    /// <summary>STS's validation of AssumeRole's parameters, before the role is looked up.</summary>
    public static (string RoleArn, string SessionName, int? DurationSeconds) ValidateAssumeRole(string? roleArn, string? sessionName, string? durationSeconds)
    {
        var arn = IamValidation.Arn(roleArn, "roleArn");
        var name = IamValidation.SessionName(sessionName);
        var duration = IamValidation.Number(durationSeconds, "durationSeconds", 900, 43200);
        return (arn, name, duration);
    }

    /// <summary>
    /// Whether the role's trust policy admits the caller at all, named or through its account (AWS requires it, whatever
    /// the caller's own policies allow); the authorizer then decides the rest (an account-wide trust needs the caller's
    /// identity-based Allow as well, a Deny anywhere wins).
    /// </summary>
    public bool TrustAdmits(RoleDescription role, CallerIdentity caller, RequestOrigin origin)
    {
        ArgumentNullException.ThrowIfNull(role);
        ArgumentNullException.ThrowIfNull(caller);
        var keys = ContextKeys.ForCaller(caller, origin.SourceIp, time.GetUtcNow(), origin.Region, origin.SecureTransport);
        var request = new RequestContext(caller.Arn, AssumeRoleAction, role.Arn, keys) { PrincipalAccount = caller.Account };
        foreach (var statement in role.TrustPolicy.StatementArray)
        {
            if (statement.Effect == PolicyEffect.Allow && statement.Applies(request) != PrincipalMatch.None)
            {
                return true;
            }
        }

        return false;
    }

    public async Task<CallerCredential> AssumeRoleAsync(RoleDescription role, string sessionName, int? durationSeconds, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(role);
        var seconds = durationSeconds ?? DefaultDurationSeconds;
        if (seconds > role.MaxSessionDuration.TotalSeconds)
        {
            // STS's text.
            throw new IamException(IamErrors.ValidationErrorCode, 400, "The requested DurationSeconds exceeds the MaxSessionDuration set for this role.");
        }

        var account = IamArns.AccountOf(role.Arn);
        var now = time.GetUtcNow();
        now = now.AddTicks(-(now.Ticks % TimeSpan.TicksPerSecond));
        var issued = credentials.IssueSession(IamArns.AssumedRole(account, role.RoleName, sessionName), account, TimeSpan.FromSeconds(seconds), now);
        var session = issued with { UniqueId = role.RoleId };
        try
        {
            await store.SaveSessionAsync(
                new StoredSession
                {
                    AccessKeyId = session.AccessKeyId,
                    SecretAccessKey = session.SecretAccessKey,
                    SessionToken = session.SessionToken!, // IssueSession always makes a token.
                    PrincipalArn = session.PrincipalArn,
                    Account = account,
                    UniqueId = role.RoleId,
                    Expiration = session.Expiration!.Value, // and an expiration.
                },
                cancellationToken);
        }
        catch
        {
            credentials.Remove(session.AccessKeyId);
            throw;
        }

        credentials.Add(session);
        return session;
    }
}
