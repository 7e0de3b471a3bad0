// SPDX-License-Identifier: Apache-2.0
namespace Nimbus.Api.Access;

/// <summary>What an action is checked on.</summary>
public enum ResourceKind
{
    /// <summary><c>*</c>: the action names no resource (ListFunctions, GetAccountSettings, ListQueues ...).</summary>
    Any,

    /// <summary>The unqualified function ARN: <c>arn:aws:lambda:R:A:function:NAME</c>.</summary>
    Function,

    /// <summary>The function ARN with the version or alias the request names (<c>function:NAME:QUALIFIER</c>), else unqualified.</summary>
    QualifiedFunction,

    /// <summary><c>arn:aws:lambda:R:A:event-source-mapping:UUID</c>.</summary>
    EventSourceMapping,

    /// <summary><c>arn:aws:lambda:R:A:layer:NAME</c>.</summary>
    Layer,

    /// <summary><c>arn:aws:lambda:R:A:layer:NAME:VERSION</c>.</summary>
    LayerVersion,

    /// <summary>The ARN the request tags: a function or an event source mapping.</summary>
    TaggedResource,

    /// <summary><c>arn:aws:sqs:R:A:QUEUE</c>.</summary>
    Queue,
}
