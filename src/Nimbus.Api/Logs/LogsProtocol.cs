// SPDX-License-Identifier: Apache-2.0
using Microsoft.AspNetCore.Http;
using Nimbus.Api.Wire;

namespace Nimbus.Api.Logs;

/// <summary>CloudWatch Logs' wire protocol: AWS JSON 1.1, <c>X-Amz-Target: Logs_20140328.{Operation}</c>.</summary>
internal static class LogsProtocol
{
    public const string TargetPrefix = "Logs_20140328.";
    public const string ContentType = AwsJsonProtocol.Json11;
    public const string SigningName = "logs";

    public static readonly AwsJsonProtocol Json = new(TargetPrefix, ContentType);

    public static bool IsLogsRequest(HttpRequest request) => Json.IsRequest(request);
}
