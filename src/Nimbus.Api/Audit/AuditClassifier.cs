// SPDX-License-Identifier: Apache-2.0
using System.Collections.Concurrent;
using System.Collections.Frozen;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Nimbus.Api.Audit;

/// <summary>
/// Names a request as CloudTrail names the call: Lambda's REST operations by their route (<see cref="LambdaEventNames"/>,
/// looked up once per endpoint), the JSON protocols by <c>X-Amz-Target</c>, the query protocols by the form's
/// <c>Action</c> and <c>Version</c>. Which calls are data events is decided here (docs/audit.md says why).
/// </summary>
internal static class AuditClassifier
{
    public const string LambdaSource = "lambda.amazonaws.com";

    /// <summary>The data events: what CloudTrail logs only for trails whose selectors ask for data events.</summary>
    private static readonly FrozenSet<string> s_dataEvents = FrozenSet.Create(
        StringComparer.Ordinal,
        "sqs.amazonaws.com:SendMessage",
        "sqs.amazonaws.com:SendMessageBatch",
        "sqs.amazonaws.com:ReceiveMessage",
        "sqs.amazonaws.com:DeleteMessage",
        "sqs.amazonaws.com:DeleteMessageBatch",
        "sqs.amazonaws.com:ChangeMessageVisibility",
        "sqs.amazonaws.com:ChangeMessageVisibilityBatch",
        "logs.amazonaws.com:PutLogEvents",
        "logs.amazonaws.com:GetLogEvents",
        "logs.amazonaws.com:FilterLogEvents",
        "logs.amazonaws.com:StartLiveTail",
        "monitoring.amazonaws.com:PutMetricData",
        "monitoring.amazonaws.com:GetMetricData",
        "monitoring.amazonaws.com:GetMetricStatistics");

    /// <summary>X-Amz-Target prefixes (up to the operation) and the event source of their service.</summary>
    private static readonly (string Prefix, string Source)[] s_targets =
    [
        ("AmazonSQS.", "sqs.amazonaws.com"),
        ("Logs_20140328.", "logs.amazonaws.com"),
        ("com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101.", "cloudtrail.amazonaws.com"),
        ("GraniteServiceVersion20100801.", "monitoring.amazonaws.com"),
    ];

    private static readonly FrozenDictionary<string, AuditOperation> s_lambda = BuildLambda();
    private static readonly ConcurrentDictionary<Endpoint, AuditOperation[]> s_byEndpoint = new();

    /// <summary>
    /// The call a request makes, when its route or headers tell; null when only its form will (the query protocols:
    /// <see cref="FromForm"/> after the API has read it) or when it is no AWS operation (health, code downloads).
    /// </summary>
    public static AuditOperation? Classify(HttpContext context)
    {
        var request = context.Request;
        if (context.GetEndpoint() is RouteEndpoint endpoint && endpoint.RoutePattern.RawText is { } raw && raw.StartsWith("/20", StringComparison.Ordinal))
        {
            var candidates = s_byEndpoint.GetOrAdd(endpoint, static (e, raw) => ForRoute(e, raw), raw);
            return candidates.Length switch
            {
                0 => null,
                1 => candidates[0],
                _ => Choose(candidates, request.Query),
            };
        }

        var target = request.Headers["X-Amz-Target"].ToString();
        if (target.Length > 0)
        {
            foreach (var (prefix, source) in s_targets)
            {
                if (target.StartsWith(prefix, StringComparison.Ordinal))
                {
                    return Operation(source, target[prefix.Length..]);
                }
            }

            var dot = target.LastIndexOf('.');
            return dot < 0 ? null : Operation(SigningSource(request) ?? "unknown", target[(dot + 1)..]);
        }

        return null;
    }

    /// <summary>A query-protocol call, named by its form (already read by the API).</summary>
    public static AuditOperation? FromForm(HttpContext context, IFormCollection form)
    {
        var action = form["Action"].ToString();
        if (action.Length == 0)
        {
            return null;
        }

        var service = form["Version"].ToString() switch
        {
            "2012-11-05" => "sqs",
            "2010-05-08" => "iam",
            "2011-06-15" => "sts",
            "2010-08-01" => "monitoring",
            _ => null,
        };
        var source = service is null ? SigningSource(context.Request) ?? "sqs.amazonaws.com" : service + ".amazonaws.com";
        return Operation(source, action);
    }

    private static AuditOperation Operation(string source, string name) =>
        new(source, name, IsReadOnly(name), s_dataEvents.Contains(source + ":" + name));

    /// <summary>CloudTrail's read-only flag: calls that only read (Get, List, Describe, Lookup …).</summary>
    private static bool IsReadOnly(string name) =>
        name.StartsWith("Get", StringComparison.Ordinal) || name.StartsWith("List", StringComparison.Ordinal)
        || name.StartsWith("Describe", StringComparison.Ordinal) || name.StartsWith("Lookup", StringComparison.Ordinal)
        || name.StartsWith("Filter", StringComparison.Ordinal);

    /// <summary><c>SERVICE.amazonaws.com</c> of the request's SigV4 credential scope.</summary>
    private static string? SigningSource(HttpRequest request)
    {
        var authorization = request.Headers.Authorization.ToString();
        var start = authorization.IndexOf("Credential=", StringComparison.Ordinal);
        if (start < 0)
        {
            return null;
        }

        var parts = authorization[(start + "Credential=".Length)..].Split('/', 5);
        return parts.Length >= 4 && parts[3].Length > 0 ? parts[3] + ".amazonaws.com" : null;
    }

    private static AuditOperation[] ForRoute(Endpoint endpoint, string raw)
    {
        var methods = endpoint.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? [];
        var path = Normalize(raw);
        var found = new List<AuditOperation>();
        foreach (var method in methods)
        {
            foreach (var (key, operation) in s_lambda)
            {
                if (key.StartsWith(method + " " + path + "?", StringComparison.Ordinal))
                {
                    found.Add(operation);
                }
            }
        }

        return [.. found];
    }

    /// <summary>Two operations on one path (ListLayers and GetLayerVersionByArn; Get and ListProvisionedConcurrencyConfigs): the query tells.</summary>
    private static AuditOperation Choose(AuditOperation[] candidates, IQueryCollection query)
    {
        var find = query["find"].ToString() == "LayerVersion";
        var list = query["List"].ToString() == "ALL";
        foreach (var candidate in candidates)
        {
            if ((candidate.EventName.StartsWith("GetLayerVersionByArn", StringComparison.Ordinal) && find)
                || (candidate.EventName.StartsWith("ListProvisionedConcurrencyConfigs", StringComparison.Ordinal) && list))
            {
                return candidate;
            }
        }

        foreach (var candidate in candidates)
        {
            if (!candidate.EventName.StartsWith("GetLayerVersionByArn", StringComparison.Ordinal)
                && !candidate.EventName.StartsWith("ListProvisionedConcurrencyConfigs", StringComparison.Ordinal))
            {
                return candidate;
            }
        }

        return candidates[0];
    }

    /// <summary><c>{functionName}</c>, <c>{**resource}</c> … written <c>{}</c>, lower case.</summary>
    private static string Normalize(string template)
    {
        var builder = new System.Text.StringBuilder(template.Length);
        var depth = 0;
        foreach (var c in template)
        {
            if (c == '{')
            {
                depth++;
                builder.Append("{}");
            }
            else if (c == '}')
            {
                depth--;
            }
            else if (depth == 0)
            {
                builder.Append(char.ToLowerInvariant(c));
            }
        }

        return builder.ToString();
    }

    private static FrozenDictionary<string, AuditOperation> BuildLambda()
    {
        var table = new Dictionary<string, AuditOperation>(StringComparer.Ordinal);
        foreach (var (method, path, query, _, eventName, readOnly, data) in LambdaEventNames.All)
        {
            table[$"{method} {path}?{query}"] = new AuditOperation(LambdaSource, eventName, readOnly, data);
        }

        return table.ToFrozenDictionary(StringComparer.Ordinal);
    }
}
