// SPDX-License-Identifier: Apache-2.0
using Microsoft.AspNetCore.Http;
using Nimbus.Api.Wire;

namespace Nimbus.Api.CloudWatch;

/// <summary>
/// CloudWatch (2010-08-01) on the shared endpoint, in the three protocols its model lists: awsJson1_0 (what boto3 1.43
/// sends: <c>X-Amz-Target: GraniteServiceVersion20100801.&lt;Op&gt;</c> posted to <c>/</c>), Smithy RPC v2 CBOR
/// (<c>POST /service/GraniteServiceVersion20100801/operation/&lt;Op&gt;</c>, the model's first choice, which other SDKs
/// take) and the query protocol (CLI 2.9: a form posted to <c>/</c> with <c>Version=2010-08-01</c>). Its SigV4 signing
/// name is <c>monitoring</c>.
/// </summary>
internal static class CloudWatchProtocol
{
    public const string SigningName = "monitoring";
    public const string Version = "2010-08-01";
    public const string XmlNamespace = "http://monitoring.amazonaws.com/doc/2010-08-01/";
    public const string JsonTargetPrefix = "GraniteServiceVersion20100801.";
    public const string JsonContentType = AwsJsonProtocol.Json10;
    public const string CborPathPrefix = "/service/GraniteServiceVersion20100801/operation/";
    public const string CborContentType = "application/cbor";
    public const string SmithyProtocolHeader = "smithy-protocol";
    public const string SmithyProtocol = "rpc-v2-cbor";

    /// <summary>The header an awsQueryCompatible service's JSON/CBOR errors carry: <c>Code;Sender</c>.</summary>
    public const string QueryErrorHeader = AwsJsonProtocol.QueryErrorHeader;

    /// <summary>awsJson1_0 of an awsQueryCompatible service: <c>__type</c> in the cloudwatch namespace, the query code in x-amzn-query-error.</summary>
    public static readonly AwsJsonProtocol Json = new(JsonTargetPrefix, JsonContentType)
    {
        ErrorTypePrefix = "com.amazonaws.cloudwatch#",
        QueryCompatible = true,
    };

    /// <summary>awsJson1_0, as boto3 sends it: a POST to <c>/</c> with <c>X-Amz-Target: GraniteServiceVersion20100801.Op</c>.</summary>
    public static bool IsJsonRequest(HttpRequest request) => Json.IsRequest(request);

    public static bool IsCborRequest(HttpRequest request) =>
        request.Path.StartsWithSegments("/service/GraniteServiceVersion20100801", StringComparison.Ordinal);
}
