// SPDX-License-Identifier: Apache-2.0
namespace Nimbus.Core.Audit;

/// <summary>
/// What a resource ARN is, as CloudTrail's event history names resource types (<c>AWS::Lambda::Function</c>, the
/// CloudFormation type names), and the name it lists it by.
/// </summary>
public static class AuditResources
{
    /// <summary>The resource an ARN names; null for <c>*</c> and for ARNs of kinds not listed here.</summary>
    public static AuditResource? FromArn(string arn)
    {
        ArgumentNullException.ThrowIfNull(arn);
        // arn:partition:service:region:account:resource
        var parts = arn.Split(':', 6);
        if (parts.Length < 6 || parts[0] != "arn")
        {
            return null;
        }

        var resource = parts[5];
        return parts[2] switch
        {
            "lambda" when resource.StartsWith("function:", StringComparison.Ordinal) =>
                new("AWS::Lambda::Function", FirstSegment(resource["function:".Length..]), arn),
            "lambda" when resource.StartsWith("layer:", StringComparison.Ordinal) =>
                new("AWS::Lambda::LayerVersion", FirstSegment(resource["layer:".Length..]), arn),
            "lambda" when resource.StartsWith("event-source-mapping:", StringComparison.Ordinal) =>
                new("AWS::Lambda::EventSourceMapping", resource["event-source-mapping:".Length..], arn),
            "sqs" => new("AWS::SQS::Queue", resource, arn),
            "logs" when resource.StartsWith("log-group:", StringComparison.Ordinal) =>
                new("AWS::Logs::LogGroup", FirstSegment(resource["log-group:".Length..]), arn),
            "iam" => Iam(resource, arn),
            _ => null,
        };
    }

    private static AuditResource? Iam(string resource, string arn)
    {
        var slash = resource.IndexOf('/', StringComparison.Ordinal);
        if (slash < 0)
        {
            return null;
        }

        var kind = resource[..slash];
        var name = resource[(resource.LastIndexOf('/') + 1)..];
        if (name.Length == 0)
        {
            // A path (List operations are authorized on arn:aws:iam::A:user/), not one resource.
            return null;
        }

        return kind switch
        {
            "user" => new("AWS::IAM::User", name, arn),
            "role" => new("AWS::IAM::Role", name, arn),
            "group" => new("AWS::IAM::Group", name, arn),
            "policy" => new("AWS::IAM::Policy", name, arn),
            _ => null,
        };
    }

    private static string FirstSegment(string value)
    {
        var colon = value.IndexOf(':', StringComparison.Ordinal);
        return colon < 0 ? value : value[..colon];
    }
}
