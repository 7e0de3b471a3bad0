// SPDX-License-Identifier: Apache-2.0
using Nimbus.Core.Access.Policies;

namespace Nimbus.Core.Permissions;

/// <summary>
/// One statement of a function's (version's, alias's) resource-based policy, as AddPermission received it. The
/// statement Lambda writes is derived from it (<see cref="ToStatement"/>), so the stored form is the request's.
/// </summary>
public sealed record FunctionStatement
{
    public required string StatementId { get; init; }

    public required string Action { get; init; }

    /// <summary><c>*</c>, an account id, an IAM ARN or a service principal, as given.</summary>
    public required string Principal { get; init; }

    public string? SourceArn { get; init; }

    public string? SourceAccount { get; init; }

    public string? PrincipalOrgId { get; init; }

    public string? EventSourceToken { get; init; }

    /// <summary>NONE or AWS_IAM; only with lambda:InvokeFunctionUrl.</summary>
    public string? FunctionUrlAuthType { get; init; }

    /// <summary>Limits a lambda:InvokeFunction grant to invocations made through a function URL.</summary>
    public bool? InvokedViaFunctionUrl { get; init; }

    /// <summary>
    /// The statement as Lambda writes it. The condition keys are spelled as AWS writes them (<c>AWS:SourceAccount</c>,
    /// <c>AWS:SourceArn</c> with a capital prefix; condition keys match case-insensitively) and in AWS's order:
    /// StringEquals (source account, URL auth type, organization, event source token), then ArnLike (source ARN),
    /// then Bool (InvokedViaFunctionUrl; AWS's position for this one is not recorded anywhere we could read).
    /// </summary>
    public ResourceStatement ToStatement()
    {
        var conditions = new List<StatementCondition>(4);
        if (SourceAccount is { } account)
        {
            conditions.Add(new StatementCondition("StringEquals", "AWS:SourceAccount", account));
        }

        if (FunctionUrlAuthType is { } authType)
        {
            conditions.Add(new StatementCondition("StringEquals", "lambda:FunctionUrlAuthType", authType));
        }

        if (PrincipalOrgId is { } organization)
        {
            conditions.Add(new StatementCondition("StringEquals", "aws:PrincipalOrgID", organization));
        }

        if (EventSourceToken is { } token)
        {
            conditions.Add(new StatementCondition("StringEquals", "lambda:EventSourceToken", token));
        }

        if (SourceArn is { } arn)
        {
            conditions.Add(new StatementCondition("ArnLike", "AWS:SourceArn", arn));
        }

        if (InvokedViaFunctionUrl is { } viaUrl)
        {
            conditions.Add(new StatementCondition("Bool", "lambda:InvokedViaFunctionUrl", viaUrl ? "true" : "false"));
        }

        return new ResourceStatement(StatementId, Principal, Action, conditions);
    }
}
