// SPDX-License-Identifier: Apache-2.0
namespace Nimbus.Api.Access;

/// <summary>
/// The IAM actions of the Lambda API as the Service Authorization Reference names them (docs: "Actions, resources, and
/// condition keys for AWS Lambda"; the Lambda Developer Guide's lambda-api-permissions-ref): the action is the
/// operation's name with <c>lambda:</c> in front, except Invoke (<c>lambda:InvokeFunction</c>),
/// GetLayerVersionByArn (<c>lambda:GetLayerVersion</c>) and the deprecated InvokeAsync, which Nimbus checks as
/// <c>lambda:InvokeFunction</c> with the function's policy, as Invoke (the Reference also lists a
/// <c>lambda:InvokeAsync</c>). <see cref="Table"/> gives each served operation its action
/// and the kind of resource it is checked on; docs/access.md lists the same.
/// </summary>
public static class LambdaActions
{
    public const string AddLayerVersionPermission = "lambda:AddLayerVersionPermission";
    public const string AddPermission = "lambda:AddPermission";
    public const string CreateAlias = "lambda:CreateAlias";
    public const string CreateEventSourceMapping = "lambda:CreateEventSourceMapping";
    public const string CreateFunction = "lambda:CreateFunction";
    public const string DeleteAlias = "lambda:DeleteAlias";
    public const string DeleteEventSourceMapping = "lambda:DeleteEventSourceMapping";
    public const string DeleteFunction = "lambda:DeleteFunction";
    public const string DeleteFunctionConcurrency = "lambda:DeleteFunctionConcurrency";
    public const string DeleteFunctionEventInvokeConfig = "lambda:DeleteFunctionEventInvokeConfig";
    public const string DeleteLayerVersion = "lambda:DeleteLayerVersion";
    public const string DeleteProvisionedConcurrencyConfig = "lambda:DeleteProvisionedConcurrencyConfig";
    public const string GetAccountSettings = "lambda:GetAccountSettings";
    public const string GetAlias = "lambda:GetAlias";
    public const string GetEventSourceMapping = "lambda:GetEventSourceMapping";
    public const string GetFunction = "lambda:GetFunction";
    public const string GetFunctionConcurrency = "lambda:GetFunctionConcurrency";
    public const string GetFunctionConfiguration = "lambda:GetFunctionConfiguration";
    public const string GetFunctionEventInvokeConfig = "lambda:GetFunctionEventInvokeConfig";
    public const string GetFunctionCodeSigningConfig = "lambda:GetFunctionCodeSigningConfig";
    public const string GetFunctionRecursionConfig = "lambda:GetFunctionRecursionConfig";
    public const string GetLayerVersion = "lambda:GetLayerVersion";
    public const string GetLayerVersionPolicy = "lambda:GetLayerVersionPolicy";
    public const string GetPolicy = "lambda:GetPolicy";
    public const string GetProvisionedConcurrencyConfig = "lambda:GetProvisionedConcurrencyConfig";
    public const string GetRuntimeManagementConfig = "lambda:GetRuntimeManagementConfig";
    public const string InvokeFunction = "lambda:InvokeFunction";
    public const string ListAliases = "lambda:ListAliases";
    public const string ListEventSourceMappings = "lambda:ListEventSourceMappings";
    public const string ListFunctionEventInvokeConfigs = "lambda:ListFunctionEventInvokeConfigs";
    public const string ListFunctions = "lambda:ListFunctions";
    public const string ListLayers = "lambda:ListLayers";
    public const string ListLayerVersions = "lambda:ListLayerVersions";
    public const string ListProvisionedConcurrencyConfigs = "lambda:ListProvisionedConcurrencyConfigs";
    public const string ListTags = "lambda:ListTags";
    public const string ListVersionsByFunction = "lambda:ListVersionsByFunction";
    public const string PublishLayerVersion = "lambda:PublishLayerVersion";
    public const string PublishVersion = "lambda:PublishVersion";
    public const string PutFunctionConcurrency = "lambda:PutFunctionConcurrency";
    public const string PutFunctionEventInvokeConfig = "lambda:PutFunctionEventInvokeConfig";
    public const string PutFunctionRecursionConfig = "lambda:PutFunctionRecursionConfig";
    public const string PutProvisionedConcurrencyConfig = "lambda:PutProvisionedConcurrencyConfig";
    public const string PutRuntimeManagementConfig = "lambda:PutRuntimeManagementConfig";
    public const string RemoveLayerVersionPermission = "lambda:RemoveLayerVersionPermission";
    public const string RemovePermission = "lambda:RemovePermission";
    public const string TagResource = "lambda:TagResource";
    public const string UntagResource = "lambda:UntagResource";
    public const string UpdateAlias = "lambda:UpdateAlias";
    public const string UpdateEventSourceMapping = "lambda:UpdateEventSourceMapping";
    public const string UpdateFunctionCode = "lambda:UpdateFunctionCode";
    public const string UpdateFunctionConfiguration = "lambda:UpdateFunctionConfiguration";
    public const string UpdateFunctionEventInvokeConfig = "lambda:UpdateFunctionEventInvokeConfig";

    /// <summary>What CreateFunction and UpdateFunctionConfiguration(Role) also need on the role they hand to Lambda.</summary>
    public const string PassRole = "iam:PassRole";

    /// <summary>The condition key: the function a mapping invokes (CreateEventSourceMapping, and a mapping's other operations).</summary>
    public const string FunctionArnKey = "lambda:FunctionArn";

    /// <summary>The condition key: the layer version ARNs of CreateFunction and UpdateFunctionConfiguration(Layers).</summary>
    public const string LayerKey = "lambda:Layer";

    /// <summary>The condition key of AddPermission: the principal the statement grants.</summary>
    public const string PrincipalKey = "lambda:Principal";

    /// <summary>The condition key of AddPermission: the FunctionUrlAuthType the statement takes.</summary>
    public const string FunctionUrlAuthTypeKey = "lambda:FunctionUrlAuthType";

    /// <summary>The condition key of iam:PassRole: the service the role is passed to.</summary>
    public const string PassedToServiceKey = "iam:PassedToService";

    /// <summary>Each operation Nimbus serves: its action and the resource it is checked on.</summary>
    public static IReadOnlyList<ActionRule> Table { get; } =
    [
        new("AddLayerVersionPermission", AddLayerVersionPermission, ResourceKind.LayerVersion),
        new("AddPermission", AddPermission, ResourceKind.QualifiedFunction, PrincipalKey),
        new("CreateAlias", CreateAlias, ResourceKind.Function),
        new("CreateEventSourceMapping", CreateEventSourceMapping, ResourceKind.Any, FunctionArnKey),
        new("CreateFunction", CreateFunction, ResourceKind.Function, LayerKey),
        new("DeleteAlias", DeleteAlias, ResourceKind.Function),
        new("DeleteEventSourceMapping", DeleteEventSourceMapping, ResourceKind.EventSourceMapping, FunctionArnKey),
        new("DeleteFunction", DeleteFunction, ResourceKind.QualifiedFunction),
        new("DeleteFunctionConcurrency", DeleteFunctionConcurrency, ResourceKind.Function),
        new("DeleteFunctionEventInvokeConfig", DeleteFunctionEventInvokeConfig, ResourceKind.QualifiedFunction),
        new("DeleteLayerVersion", DeleteLayerVersion, ResourceKind.LayerVersion),
        new("DeleteProvisionedConcurrencyConfig", DeleteProvisionedConcurrencyConfig, ResourceKind.QualifiedFunction),
        new("GetAccountSettings", GetAccountSettings, ResourceKind.Any),
        new("GetAlias", GetAlias, ResourceKind.Function),
        new("GetEventSourceMapping", GetEventSourceMapping, ResourceKind.EventSourceMapping, FunctionArnKey),
        new("GetFunction", GetFunction, ResourceKind.QualifiedFunction),
        new("GetFunctionCodeSigningConfig", GetFunctionCodeSigningConfig, ResourceKind.Function),
        new("GetFunctionConcurrency", GetFunctionConcurrency, ResourceKind.Function),
        new("GetFunctionConfiguration", GetFunctionConfiguration, ResourceKind.QualifiedFunction),
        new("GetFunctionEventInvokeConfig", GetFunctionEventInvokeConfig, ResourceKind.QualifiedFunction),
        new("GetFunctionRecursionConfig", GetFunctionRecursionConfig, ResourceKind.Function),
        new("GetLayerVersion", GetLayerVersion, ResourceKind.LayerVersion),
        new("GetLayerVersionByArn", GetLayerVersion, ResourceKind.LayerVersion),
        new("GetLayerVersionPolicy", GetLayerVersionPolicy, ResourceKind.LayerVersion),
        new("GetPolicy", GetPolicy, ResourceKind.QualifiedFunction),
        new("GetProvisionedConcurrencyConfig", GetProvisionedConcurrencyConfig, ResourceKind.QualifiedFunction),
        new("GetRuntimeManagementConfig", GetRuntimeManagementConfig, ResourceKind.QualifiedFunction),
        new("Invoke", InvokeFunction, ResourceKind.QualifiedFunction),
        new("InvokeAsync", InvokeFunction, ResourceKind.QualifiedFunction),
        new("ListAliases", ListAliases, ResourceKind.Function),
        new("ListEventSourceMappings", ListEventSourceMappings, ResourceKind.Any),
        new("ListFunctionEventInvokeConfigs", ListFunctionEventInvokeConfigs, ResourceKind.Function),
        new("ListFunctions", ListFunctions, ResourceKind.Any),
        new("ListLayers", ListLayers, ResourceKind.Any),
        new("ListLayerVersions", ListLayerVersions, ResourceKind.Any),
        new("ListProvisionedConcurrencyConfigs", ListProvisionedConcurrencyConfigs, ResourceKind.Function),
        new("ListTags", ListTags, ResourceKind.TaggedResource),
        new("ListVersionsByFunction", ListVersionsByFunction, ResourceKind.Function),
        new("PublishLayerVersion", PublishLayerVersion, ResourceKind.Layer),
        new("PublishVersion", PublishVersion, ResourceKind.Function),
        new("PutFunctionConcurrency", PutFunctionConcurrency, ResourceKind.Function),
        new("PutFunctionEventInvokeConfig", PutFunctionEventInvokeConfig, ResourceKind.QualifiedFunction),
        new("PutFunctionRecursionConfig", PutFunctionRecursionConfig, ResourceKind.Function),
        new("PutProvisionedConcurrencyConfig", PutProvisionedConcurrencyConfig, ResourceKind.QualifiedFunction),
        new("PutRuntimeManagementConfig", PutRuntimeManagementConfig, ResourceKind.QualifiedFunction),
        new("RemoveLayerVersionPermission", RemoveLayerVersionPermission, ResourceKind.LayerVersion),
        new("RemovePermission", RemovePermission, ResourceKind.QualifiedFunction),
        new("TagResource", TagResource, ResourceKind.TaggedResource),
        new("UntagResource", UntagResource, ResourceKind.TaggedResource),
        new("UpdateAlias", UpdateAlias, ResourceKind.Function),
        new("UpdateEventSourceMapping", UpdateEventSourceMapping, ResourceKind.EventSourceMapping, FunctionArnKey),
        new("UpdateFunctionCode", UpdateFunctionCode, ResourceKind.Function),
        new("UpdateFunctionConfiguration", UpdateFunctionConfiguration, ResourceKind.Function, LayerKey),
        new("UpdateFunctionEventInvokeConfig", UpdateFunctionEventInvokeConfig, ResourceKind.QualifiedFunction),
    ];
}
