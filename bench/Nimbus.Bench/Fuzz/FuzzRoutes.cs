// SPDX-License-Identifier: Apache-2.0
namespace Nimbus.Bench.Fuzz;

/// <summary>Every path the fuzz pass aims at: the Lambda 2015-03-31 model's request URIs, SQS, code URLs, health.</summary>
internal static class FuzzRoutes
{
    /// <summary>Method and request URI of every operation of botocore's lambda/2015-03-31 model (83), placeholders in braces.</summary>
    public static readonly string[] Lambda =
    [
        "DELETE /2015-03-31/event-source-mappings/{UUID}", "DELETE /2015-03-31/functions/{FunctionName}",
        "DELETE /2015-03-31/functions/{FunctionName}/aliases/{Name}", "DELETE /2015-03-31/functions/{FunctionName}/policy/{StatementId}",
        "DELETE /2017-03-31/tags/{Resource}", "DELETE /2017-10-31/functions/{FunctionName}/concurrency",
        "DELETE /2018-10-31/layers/{LayerName}/versions/{VersionNumber}",
        "DELETE /2018-10-31/layers/{LayerName}/versions/{VersionNumber}/policy/{StatementId}",
        "DELETE /2019-09-25/functions/{FunctionName}/event-invoke-config",
        "DELETE /2019-09-30/functions/{FunctionName}/provisioned-concurrency",
        "DELETE /2020-04-22/code-signing-configs/{CodeSigningConfigArn}",
        "DELETE /2020-06-30/functions/{FunctionName}/code-signing-config", "DELETE /2021-10-31/functions/{FunctionName}/url",
        "DELETE /2025-11-30/capacity-providers/{CapacityProviderName}", "GET /2015-03-31/event-source-mappings",
        "GET /2015-03-31/event-source-mappings/{UUID}", "GET /2015-03-31/functions", "GET /2015-03-31/functions/{FunctionName}",
        "GET /2015-03-31/functions/{FunctionName}/aliases", "GET /2015-03-31/functions/{FunctionName}/aliases/{Name}",
        "GET /2015-03-31/functions/{FunctionName}/configuration", "GET /2015-03-31/functions/{FunctionName}/policy",
        "GET /2015-03-31/functions/{FunctionName}/versions", "GET /2016-08-19/account-settings", "GET /2017-03-31/tags/{Resource}",
        "GET /2018-10-31/layers", "GET /2018-10-31/layers/{LayerName}/versions",
        "GET /2018-10-31/layers/{LayerName}/versions/{VersionNumber}",
        "GET /2018-10-31/layers/{LayerName}/versions/{VersionNumber}/policy",
        "GET /2019-09-25/functions/{FunctionName}/event-invoke-config",
        "GET /2019-09-25/functions/{FunctionName}/event-invoke-config/list", "GET /2019-09-30/functions/{FunctionName}/concurrency",
        "GET /2019-09-30/functions/{FunctionName}/provisioned-concurrency", "GET /2020-04-22/code-signing-configs",
        "GET /2020-04-22/code-signing-configs/{CodeSigningConfigArn}",
        "GET /2020-04-22/code-signing-configs/{CodeSigningConfigArn}/functions",
        "GET /2020-06-30/functions/{FunctionName}/code-signing-config",
        "GET /2021-07-20/functions/{FunctionName}/runtime-management-config", "GET /2021-10-31/functions/{FunctionName}/url",
        "GET /2021-10-31/functions/{FunctionName}/urls", "GET /2024-08-31/functions/{FunctionName}/recursion-config",
        "GET /2025-11-30/capacity-providers", "GET /2025-11-30/capacity-providers/{CapacityProviderName}",
        "GET /2025-11-30/capacity-providers/{CapacityProviderName}/function-versions",
        "GET /2025-11-30/functions/{FunctionName}/function-scaling-config", "GET /2025-12-01/durable-executions/{DurableExecutionArn}",
        "GET /2025-12-01/durable-executions/{DurableExecutionArn}/history",
        "GET /2025-12-01/durable-executions/{DurableExecutionArn}/state", "GET /2025-12-01/functions/{FunctionName}/durable-executions",
        "POST /2014-11-13/functions/{FunctionName}/invoke-async", "POST /2015-03-31/event-source-mappings", "POST /2015-03-31/functions",
        "POST /2015-03-31/functions/{FunctionName}/aliases", "POST /2015-03-31/functions/{FunctionName}/invocations",
        "POST /2015-03-31/functions/{FunctionName}/policy", "POST /2015-03-31/functions/{FunctionName}/versions",
        "POST /2017-03-31/tags/{Resource}", "POST /2018-10-31/layers/{LayerName}/versions",
        "POST /2018-10-31/layers/{LayerName}/versions/{VersionNumber}/policy",
        "POST /2019-09-25/functions/{FunctionName}/event-invoke-config", "POST /2020-04-22/code-signing-configs",
        "POST /2021-10-31/functions/{FunctionName}/url", "POST /2021-11-15/functions/{FunctionName}/response-streaming-invocations",
        "POST /2025-11-30/capacity-providers", "POST /2025-12-01/durable-execution-callbacks/{CallbackId}/fail",
        "POST /2025-12-01/durable-execution-callbacks/{CallbackId}/heartbeat",
        "POST /2025-12-01/durable-execution-callbacks/{CallbackId}/succeed",
        "POST /2025-12-01/durable-executions/{DurableExecutionArn}/checkpoint",
        "POST /2025-12-01/durable-executions/{DurableExecutionArn}/stop", "PUT /2015-03-31/event-source-mappings/{UUID}",
        "PUT /2015-03-31/functions/{FunctionName}/aliases/{Name}", "PUT /2015-03-31/functions/{FunctionName}/code",
        "PUT /2015-03-31/functions/{FunctionName}/configuration", "PUT /2017-10-31/functions/{FunctionName}/concurrency",
        "PUT /2019-09-25/functions/{FunctionName}/event-invoke-config", "PUT /2019-09-30/functions/{FunctionName}/provisioned-concurrency",
        "PUT /2020-04-22/code-signing-configs/{CodeSigningConfigArn}", "PUT /2020-06-30/functions/{FunctionName}/code-signing-config",
        "PUT /2021-07-20/functions/{FunctionName}/runtime-management-config", "PUT /2021-10-31/functions/{FunctionName}/url",
        "PUT /2024-08-31/functions/{FunctionName}/recursion-config", "PUT /2025-11-30/capacity-providers/{CapacityProviderName}",
        "PUT /2025-11-30/functions/{FunctionName}/function-scaling-config",
    ];

    /// <summary>The operations of botocore's sqs/2012-11-05 model, and a few that are not.</summary>
    public static readonly string[] SqsActions =
    [
        "AddPermission", "CancelMessageMoveTask", "ChangeMessageVisibility", "ChangeMessageVisibilityBatch", "CreateQueue", "DeleteMessage",
        "DeleteMessageBatch", "DeleteQueue", "GetQueueAttributes", "GetQueueUrl", "ListDeadLetterSourceQueues", "ListMessageMoveTasks",
        "ListQueueTags", "ListQueues", "PurgeQueue", "ReceiveMessage", "RemovePermission", "SendMessage", "SendMessageBatch",
        "SetQueueAttributes", "StartMessageMoveTask", "TagQueue", "UntagQueue", "", "Bogus", "sendmessage", "SendMessage\u00e9",
    ];

    /// <summary>Members the SQS and Lambda inputs read, so that random bodies reach past "missing parameter".</summary>
    public static readonly string[] Members =
    [
        "QueueUrl", "QueueName", "MessageBody", "Entries", "Id", "ReceiptHandle", "VisibilityTimeout", "MaxNumberOfMessages", "WaitTimeSeconds",
        "AttributeNames", "Attributes", "MessageAttributes", "MessageAttributeNames", "DelaySeconds", "Tags", "TagKeys", "Label",
        "FunctionName", "Runtime", "Role", "Handler", "Code", "ZipFile", "MemorySize", "Timeout", "Environment", "Variables", "Layers",
        "Publish", "Description", "FunctionVersion", "Name", "RoutingConfig", "AdditionalVersionWeights", "ReservedConcurrentExecutions",
        "ProvisionedConcurrentExecutions", "MaximumRetryAttempts", "MaximumEventAgeInSeconds", "DestinationConfig", "OnFailure",
        "Destination", "EventSourceArn", "BatchSize", "Enabled", "StatementId", "Action", "Principal", "SourceArn", "Content",
        "CompatibleRuntimes", "LicenseInfo", "EphemeralStorage", "Size", "Architectures", "TracingConfig", "DeadLetterConfig",
        "TargetArn", "RevisionId", "CodeSha256", "MaximumBatchingWindowInSeconds", "ScalingConfig", "MaximumConcurrency",
        "FunctionResponseTypes", "FilterCriteria", "Filters", "Pattern", "Qualifier", "RecursiveLoop", "PackageType",
    ];
}
