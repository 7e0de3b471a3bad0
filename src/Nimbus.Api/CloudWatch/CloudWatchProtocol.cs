// SPDX-License-Identifier: Apache-2.0
using Microsoft.AspNetCore.Http;

namespace Nimbus.Api.CloudWatch;

/// <summary>
/// CloudWatch (2010-08-01) on the shared endpoint, in the two protocols its clients send: Smithy RPC v2 CBOR (boto3 ≥
/// 1.40: <c>POST /service/GraniteServiceVersion20100801/operation/&lt;Op&gt;</c>) and the query protocol (CLI 2.9: a form
/// posted to <c>/</c> with <c>Version=2010-08-01</c>). Its SigV4 signing name is <c>monitoring</c>.
/// </summary>
internal static class CloudWatchProtocol
{
    public const string SigningName = "monitoring";
    public const string Version = "2010-08-01";
    public const string XmlNamespace = "http://monitoring.amazonaws.com/doc/2010-08-01/";
    public const string CborPathPrefix = "/service/GraniteServiceVersion20100801/operation/";
    public const string CborContentType = "application/cbor";
    public const string SmithyProtocolHeader = "smithy-protocol";
    public const string SmithyProtocol = "rpc-v2-cbor";

    /// <summary>The header an awsQueryCompatible service's JSON/CBOR errors carry: <c>Code;Sender</c>.</summary>
    public const string QueryErrorHeader = "x-amzn-query-error";

    public static bool IsCborRequest(HttpRequest request) =>
        request.Path.StartsWithSegments("/service/GraniteServiceVersion20100801", StringComparison.Ordinal);
}
