// SPDX-License-Identifier: Apache-2.0
using Nimbus.Core.Access.Iam;

namespace Nimbus.Api.Iam;

/// <summary>Inline policies (user, role, group), managed policies and their versions, attachments.</summary>
internal static partial class IamOperations
{
    private static async Task PutInlineAsync(IamCall call, IamEntityKind kind)
    {
        var name = await AuthorizeEntityAsync(call, $"iam:Put{Noun(kind)}Policy", kind, call[ParameterName(kind)]);
        await call.Iam.PutInlinePolicyAsync(call.Account, kind, name, call["PolicyName"], call["PolicyDocument"], call.Aborted);
    }

    private static async Task GetInlineAsync(IamCall call, IamEntityKind kind)
    {
        var name = await AuthorizeEntityAsync(call, $"iam:Get{Noun(kind)}Policy", kind, call[ParameterName(kind)]);
        var entity = await call.Iam.GetEntityAsync(call.Account, kind, name, call.Aborted);
        var policy = await call.Iam.GetInlinePolicyAsync(call.Account, kind, name, call["PolicyName"], call.Aborted);
        call.Output.Element(ParameterName(kind), entity.Name).Element("PolicyName", policy.PolicyName).Document("PolicyDocument", policy.Document);
    }

    private static async Task DeleteInlineAsync(IamCall call, IamEntityKind kind)
    {
        var name = await AuthorizeEntityAsync(call, $"iam:Delete{Noun(kind)}Policy", kind, call[ParameterName(kind)]);
        await call.Iam.DeleteInlinePolicyAsync(call.Account, kind, name, call["PolicyName"], call.Aborted);
    }

    private static async Task ListInlineAsync(IamCall call, IamEntityKind kind)
    {
        var name = await AuthorizeEntityAsync(call, $"iam:List{Noun(kind)}Policies", kind, call[ParameterName(kind)]);
        var page = await call.Iam.ListInlinePoliciesAsync(call.Account, kind, name, call["Marker"], call["MaxItems"], call.Aborted);
        IamShapes.Page(call.Output, "PolicyNames", page, (xml, policy) => xml.Element("member", policy.PolicyName));
    }

    private static async Task AttachAsync(IamCall call, IamEntityKind kind)
    {
        var name = await AuthorizeEntityAsync(call, $"iam:Attach{Noun(kind)}Policy", kind, call[ParameterName(kind)]);
        await call.Iam.AttachPolicyAsync(call.Account, kind, name, call["PolicyArn"], call.Aborted);
    }

    private static async Task DetachAsync(IamCall call, IamEntityKind kind)
    {
        var name = await AuthorizeEntityAsync(call, $"iam:Detach{Noun(kind)}Policy", kind, call[ParameterName(kind)]);
        await call.Iam.DetachPolicyAsync(call.Account, kind, name, call["PolicyArn"], call.Aborted);
    }

    private static async Task ListAttachedAsync(IamCall call, IamEntityKind kind)
    {
        var name = await AuthorizeEntityAsync(call, $"iam:ListAttached{Noun(kind)}Policies", kind, call[ParameterName(kind)]);
        var page = await call.Iam.ListAttachedPoliciesAsync(call.Account, kind, name, call["PathPrefix"], call["Marker"], call["MaxItems"], call.Aborted);
        IamShapes.Page(call.Output, "AttachedPolicies", page, (xml, policy) => xml.Start("member").Element("PolicyName", policy.PolicyName).Element("PolicyArn", policy.PolicyArn).End("member"));
    }

    private static async Task CreatePolicyAsync(IamCall call)
    {
        var name = IamValidation.PolicyName(call["PolicyName"]);
        var path = IamValidation.PolicyPath(call["Path"]);
        await call.AuthorizeAsync("iam:CreatePolicy", IamArns.Policy(call.Account, path, name));
        var policy = await call.Iam.CreatePolicyAsync(call.Account, name, path, call["PolicyDocument"], call["Description"], call.Tags(), call.Aborted);
        IamShapes.Policy(call.Output, policy);
    }

    /// <summary>Validates a policy ARN and authorizes <paramref name="action"/> on it.</summary>
    private static async Task<string> AuthorizePolicyAsync(IamCall call, string action)
    {
        var arn = IamValidation.Arn(call["PolicyArn"], "policyArn");
        await call.AuthorizeAsync(action, arn);
        return arn;
    }

    private static async Task GetPolicyAsync(IamCall call)
    {
        var arn = await AuthorizePolicyAsync(call, "iam:GetPolicy");
        IamShapes.Policy(call.Output, await call.Iam.GetPolicyAsync(arn, call.Aborted));
    }

    private static async Task DeletePolicyAsync(IamCall call)
    {
        var arn = await AuthorizePolicyAsync(call, "iam:DeletePolicy");
        await call.Iam.DeletePolicyAsync(arn, call.Aborted);
    }

    private static async Task ListPoliciesAsync(IamCall call)
    {
        var onlyAttached = IamValidation.Flag(call["OnlyAttached"], "onlyAttached") ?? false;
        await call.AuthorizeAsync("iam:ListPolicies", ListResource(call, "policy", call["PathPrefix"]));
        var page = await call.Iam.ListPoliciesAsync(call.Account, call["Scope"], onlyAttached, call["PathPrefix"], call["Marker"], call["MaxItems"], call.Aborted);
        IamShapes.Page(call.Output, "Policies", page, (xml, policy) => IamShapes.Policy(xml, policy, "member"));
    }

    private static async Task CreatePolicyVersionAsync(IamCall call)
    {
        var setAsDefault = IamValidation.Flag(call["SetAsDefault"], "setAsDefault") ?? false;
        var arn = await AuthorizePolicyAsync(call, "iam:CreatePolicyVersion");
        IamShapes.Version(call.Output, await call.Iam.CreatePolicyVersionAsync(arn, call["PolicyDocument"], setAsDefault, call.Aborted), withDocument: false);
    }

    private static async Task GetPolicyVersionAsync(IamCall call)
    {
        var arn = await AuthorizePolicyAsync(call, "iam:GetPolicyVersion");
        IamShapes.Version(call.Output, await call.Iam.GetPolicyVersionAsync(arn, call["VersionId"], call.Aborted), withDocument: true);
    }

    private static async Task ListPolicyVersionsAsync(IamCall call)
    {
        var arn = await AuthorizePolicyAsync(call, "iam:ListPolicyVersions");
        var versions = await call.Iam.ListPolicyVersionsAsync(arn, call.Aborted);
        IamShapes.Page(call.Output, "Versions", new IamPage<PolicyVersion>(versions, false, null), (xml, version) => IamShapes.Version(xml, version, withDocument: false, "member"));
    }

    private static async Task DeletePolicyVersionAsync(IamCall call)
    {
        var arn = await AuthorizePolicyAsync(call, "iam:DeletePolicyVersion");
        await call.Iam.DeletePolicyVersionAsync(arn, call["VersionId"], call.Aborted);
    }

    private static async Task SetDefaultPolicyVersionAsync(IamCall call)
    {
        var arn = await AuthorizePolicyAsync(call, "iam:SetDefaultPolicyVersion");
        await call.Iam.SetDefaultPolicyVersionAsync(arn, call["VersionId"], call.Aborted);
    }

    private static async Task ListEntitiesForPolicyAsync(IamCall call)
    {
        var arn = await AuthorizePolicyAsync(call, "iam:ListEntitiesForPolicy");
        var entities = await call.Iam.ListEntitiesForPolicyAsync(arn, call.Aborted);
        foreach (var (kind, element) in new[] { (IamEntityKind.Group, "PolicyGroups"), (IamEntityKind.User, "PolicyUsers"), (IamEntityKind.Role, "PolicyRoles") })
        {
            call.Output.Start(element);
            foreach (var entity in entities.Where(e => e.Kind == kind))
            {
                call.Output.Start("member").Element(Noun(kind) + "Name", entity.Name).Element(Noun(kind) + "Id", entity.Id).End("member");
            }

            call.Output.End(element);
        }

        call.Output.Element("IsTruncated", false);
    }
}
