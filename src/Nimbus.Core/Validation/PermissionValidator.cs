// SPDX-License-Identifier: Apache-2.0
using Nimbus.Core.Permissions;

namespace Nimbus.Core.Validation;

/// <summary>AddPermission's and RemovePermission's request validation: the service model's constraints, all reported at once.</summary>
public static class PermissionValidator
{
    private static readonly string[] AuthTypes = ["NONE", "AWS_IAM"];

    public static void Validate(FunctionStatement permission)
    {
        ArgumentNullException.ThrowIfNull(permission);
        var errors = new ValidationErrors();
        errors.Length(permission.StatementId, "statementId", 1, 100);
        errors.Pattern(permission.StatementId, "statementId", Patterns.StatementId(), Patterns.StatementIdText);
        errors.Length(permission.Action, "action", 0, 10000);
        errors.Pattern(permission.Action, "action", Patterns.Action(), Patterns.ActionText);
        errors.Length(permission.Principal, "principal", 0, 2048);
        errors.Pattern(permission.Principal, "principal", Patterns.Principal(), Patterns.PrincipalText);
        errors.Length(permission.SourceArn, "sourceArn", 0, 10000);
        errors.Pattern(permission.SourceArn, "sourceArn", Patterns.SourceArn(), Patterns.SourceArnText);
        errors.Length(permission.SourceAccount, "sourceAccount", 0, 12);
        errors.Pattern(permission.SourceAccount, "sourceAccount", Patterns.SourceOwner(), Patterns.SourceOwnerText);
        errors.Length(permission.EventSourceToken, "eventSourceToken", 0, 256);
        errors.Pattern(permission.EventSourceToken, "eventSourceToken", Patterns.EventSourceToken(), Patterns.EventSourceTokenText);
        errors.Length(permission.PrincipalOrgId, "principalOrgID", 12, 34);
        errors.Pattern(permission.PrincipalOrgId, "principalOrgID", Patterns.OrganizationId(), Patterns.OrganizationIdText);
        errors.Enum(permission.FunctionUrlAuthType, "functionUrlAuthType", AuthTypes);
        errors.ThrowIfAny();
    }

    /// <summary>RemovePermission's StatementId path parameter (NamespacedStatementId: dots allowed).</summary>
    public static void ValidateStatementId(string statementId)
    {
        var errors = new ValidationErrors();
        errors.Length(statementId, "statementId", 1, 100);
        errors.Pattern(statementId, "statementId", Patterns.NamespacedStatementId(), Patterns.NamespacedStatementIdText);
        errors.ThrowIfAny();
    }

    /// <summary>The rules past the model's constraints, answered as InvalidParameterValueException.</summary>
    public static void ValidateSemantics(FunctionStatement permission)
    {
        ArgumentNullException.ThrowIfNull(permission);
        var principal = permission.Principal;
        if (principal != "*"
            && !Nimbus.Core.Access.Policies.ResourcePolicyWriter.IsServicePrincipal(principal)
            && !Nimbus.Core.Access.Policies.ResourcePolicyWriter.IsAccountId(principal)
            && !Patterns.IamPrincipalArn().IsMatch(principal))
        {
            throw PermissionErrors.InvalidPrincipal();
        }

        if (permission.FunctionUrlAuthType is not null && permission.Action != "lambda:InvokeFunctionUrl")
        {
            throw PermissionErrors.AuthTypeNeedsUrlAction();
        }

        if (permission.InvokedViaFunctionUrl is not null && permission.Action != "lambda:InvokeFunction")
        {
            throw PermissionErrors.ViaUrlNeedsInvokeAction();
        }
    }
}
