// SPDX-License-Identifier: Apache-2.0
namespace Nimbus.Api.Audit;

/// <summary>
/// Lambda's operations by HTTP method and path (botocore's model, path parameters written <c>{}</c>), with the event
/// names CloudTrail gives them: the operation and the API version of its path (<c>CreateFunction20150331</c>), with
/// <c>v2</c> where AWS logs one (GetFunction, GetFunctionConfiguration, UpdateFunctionCode, UpdateFunctionConfiguration,
/// AddPermission, RemovePermission, GetPolicy, TagResource, UntagResource: the names CloudTrail records carry). Invoke
/// and its streaming and deprecated forms are data events, named without a version, as CloudTrail names them. Generated
/// from /work/shared/specs/botocore/lambda/2015-03-31/service-2.json.
/// </summary>
internal static class LambdaEventNames
{
    /// <summary>(method, path template, the query a second operation on the same path is told by, operation, event name, read-only, data event).</summary>
    public static readonly (string Method, string Path, string Query, string Operation, string EventName, bool ReadOnly, bool Data)[] All =
    [
        ("POST", "/2018-10-31/layers/{}/versions/{}/policy", "", "AddLayerVersionPermission", "AddLayerVersionPermission20181031", false, false),
        ("POST", "/2015-03-31/functions/{}/policy", "", "AddPermission", "AddPermission20150331v2", false, false),
        ("POST", "/2015-03-31/functions/{}/aliases", "", "CreateAlias", "CreateAlias20150331", false, false),
        ("POST", "/2015-03-31/event-source-mappings", "", "CreateEventSourceMapping", "CreateEventSourceMapping20150331", false, false),
        ("POST", "/2015-03-31/functions", "", "CreateFunction", "CreateFunction20150331", false, false),
        ("POST", "/2021-10-31/functions/{}/url", "", "CreateFunctionUrlConfig", "CreateFunctionUrlConfig20211031", false, false),
        ("DELETE", "/2015-03-31/functions/{}/aliases/{}", "", "DeleteAlias", "DeleteAlias20150331", false, false),
        ("DELETE", "/2015-03-31/event-source-mappings/{}", "", "DeleteEventSourceMapping", "DeleteEventSourceMapping20150331", false, false),
        ("DELETE", "/2015-03-31/functions/{}", "", "DeleteFunction", "DeleteFunction20150331", false, false),
        ("DELETE", "/2020-06-30/functions/{}/code-signing-config", "", "DeleteFunctionCodeSigningConfig", "DeleteFunctionCodeSigningConfig20200630", false, false),
        ("DELETE", "/2017-10-31/functions/{}/concurrency", "", "DeleteFunctionConcurrency", "DeleteFunctionConcurrency20171031", false, false),
        ("DELETE", "/2019-09-25/functions/{}/event-invoke-config", "", "DeleteFunctionEventInvokeConfig", "DeleteFunctionEventInvokeConfig20190925", false, false),
        ("DELETE", "/2021-10-31/functions/{}/url", "", "DeleteFunctionUrlConfig", "DeleteFunctionUrlConfig20211031", false, false),
        ("DELETE", "/2018-10-31/layers/{}/versions/{}", "", "DeleteLayerVersion", "DeleteLayerVersion20181031", false, false),
        ("DELETE", "/2019-09-30/functions/{}/provisioned-concurrency", "", "DeleteProvisionedConcurrencyConfig", "DeleteProvisionedConcurrencyConfig20190930", false, false),
        ("GET", "/2016-08-19/account-settings", "", "GetAccountSettings", "GetAccountSettings20160819", true, false),
        ("GET", "/2015-03-31/functions/{}/aliases/{}", "", "GetAlias", "GetAlias20150331", true, false),
        ("GET", "/2015-03-31/event-source-mappings/{}", "", "GetEventSourceMapping", "GetEventSourceMapping20150331", true, false),
        ("GET", "/2015-03-31/functions/{}", "", "GetFunction", "GetFunction20150331v2", true, false),
        ("GET", "/2020-06-30/functions/{}/code-signing-config", "", "GetFunctionCodeSigningConfig", "GetFunctionCodeSigningConfig20200630", true, false),
        ("GET", "/2019-09-30/functions/{}/concurrency", "", "GetFunctionConcurrency", "GetFunctionConcurrency20190930", true, false),
        ("GET", "/2015-03-31/functions/{}/configuration", "", "GetFunctionConfiguration", "GetFunctionConfiguration20150331v2", true, false),
        ("GET", "/2019-09-25/functions/{}/event-invoke-config", "", "GetFunctionEventInvokeConfig", "GetFunctionEventInvokeConfig20190925", true, false),
        ("GET", "/2024-08-31/functions/{}/recursion-config", "", "GetFunctionRecursionConfig", "GetFunctionRecursionConfig20240831", true, false),
        ("GET", "/2021-10-31/functions/{}/url", "", "GetFunctionUrlConfig", "GetFunctionUrlConfig20211031", true, false),
        ("GET", "/2018-10-31/layers/{}/versions/{}", "", "GetLayerVersion", "GetLayerVersion20181031", true, false),
        ("GET", "/2018-10-31/layers", "find=LayerVersion", "GetLayerVersionByArn", "GetLayerVersionByArn20181031", true, false),
        ("GET", "/2018-10-31/layers/{}/versions/{}/policy", "", "GetLayerVersionPolicy", "GetLayerVersionPolicy20181031", true, false),
        ("GET", "/2015-03-31/functions/{}/policy", "", "GetPolicy", "GetPolicy20150331v2", true, false),
        ("GET", "/2019-09-30/functions/{}/provisioned-concurrency", "", "GetProvisionedConcurrencyConfig", "GetProvisionedConcurrencyConfig20190930", true, false),
        ("GET", "/2021-07-20/functions/{}/runtime-management-config", "", "GetRuntimeManagementConfig", "GetRuntimeManagementConfig20210720", true, false),
        ("POST", "/2015-03-31/functions/{}/invocations", "", "Invoke", "Invoke", false, true),
        ("POST", "/2014-11-13/functions/{}/invoke-async", "", "InvokeAsync", "InvokeAsync", false, true),
        ("POST", "/2021-11-15/functions/{}/response-streaming-invocations", "", "InvokeWithResponseStream", "InvokeWithResponseStream", false, true),
        ("GET", "/2015-03-31/functions/{}/aliases", "", "ListAliases", "ListAliases20150331", true, false),
        ("GET", "/2015-03-31/event-source-mappings", "", "ListEventSourceMappings", "ListEventSourceMappings20150331", true, false),
        ("GET", "/2019-09-25/functions/{}/event-invoke-config/list", "", "ListFunctionEventInvokeConfigs", "ListFunctionEventInvokeConfigs20190925", true, false),
        ("GET", "/2021-10-31/functions/{}/urls", "", "ListFunctionUrlConfigs", "ListFunctionUrlConfigs20211031", true, false),
        ("GET", "/2015-03-31/functions", "", "ListFunctions", "ListFunctions20150331", true, false),
        ("GET", "/2018-10-31/layers/{}/versions", "", "ListLayerVersions", "ListLayerVersions20181031", true, false),
        ("GET", "/2018-10-31/layers", "", "ListLayers", "ListLayers20181031", true, false),
        ("GET", "/2019-09-30/functions/{}/provisioned-concurrency", "List=ALL", "ListProvisionedConcurrencyConfigs", "ListProvisionedConcurrencyConfigs20190930", true, false),
        ("GET", "/2017-03-31/tags/{}", "", "ListTags", "ListTags20170331", true, false),
        ("GET", "/2015-03-31/functions/{}/versions", "", "ListVersionsByFunction", "ListVersionsByFunction20150331", true, false),
        ("POST", "/2018-10-31/layers/{}/versions", "", "PublishLayerVersion", "PublishLayerVersion20181031", false, false),
        ("POST", "/2015-03-31/functions/{}/versions", "", "PublishVersion", "PublishVersion20150331", false, false),
        ("PUT", "/2020-06-30/functions/{}/code-signing-config", "", "PutFunctionCodeSigningConfig", "PutFunctionCodeSigningConfig20200630", false, false),
        ("PUT", "/2017-10-31/functions/{}/concurrency", "", "PutFunctionConcurrency", "PutFunctionConcurrency20171031", false, false),
        ("PUT", "/2019-09-25/functions/{}/event-invoke-config", "", "PutFunctionEventInvokeConfig", "PutFunctionEventInvokeConfig20190925", false, false),
        ("PUT", "/2024-08-31/functions/{}/recursion-config", "", "PutFunctionRecursionConfig", "PutFunctionRecursionConfig20240831", false, false),
        ("PUT", "/2019-09-30/functions/{}/provisioned-concurrency", "", "PutProvisionedConcurrencyConfig", "PutProvisionedConcurrencyConfig20190930", false, false),
        ("PUT", "/2021-07-20/functions/{}/runtime-management-config", "", "PutRuntimeManagementConfig", "PutRuntimeManagementConfig20210720", false, false),
        ("DELETE", "/2018-10-31/layers/{}/versions/{}/policy/{}", "", "RemoveLayerVersionPermission", "RemoveLayerVersionPermission20181031", false, false),
        ("DELETE", "/2015-03-31/functions/{}/policy/{}", "", "RemovePermission", "RemovePermission20150331v2", false, false),
        ("POST", "/2017-03-31/tags/{}", "", "TagResource", "TagResource20170331v2", false, false),
        ("DELETE", "/2017-03-31/tags/{}", "", "UntagResource", "UntagResource20170331v2", false, false),
        ("PUT", "/2015-03-31/functions/{}/aliases/{}", "", "UpdateAlias", "UpdateAlias20150331", false, false),
        ("PUT", "/2015-03-31/event-source-mappings/{}", "", "UpdateEventSourceMapping", "UpdateEventSourceMapping20150331", false, false),
        ("PUT", "/2015-03-31/functions/{}/code", "", "UpdateFunctionCode", "UpdateFunctionCode20150331v2", false, false),
        ("PUT", "/2015-03-31/functions/{}/configuration", "", "UpdateFunctionConfiguration", "UpdateFunctionConfiguration20150331v2", false, false),
        ("POST", "/2019-09-25/functions/{}/event-invoke-config", "", "UpdateFunctionEventInvokeConfig", "UpdateFunctionEventInvokeConfig20190925", false, false),
        ("PUT", "/2021-10-31/functions/{}/url", "", "UpdateFunctionUrlConfig", "UpdateFunctionUrlConfig20211031", false, false),
    ];
}
