// SPDX-License-Identifier: Apache-2.0
using Microsoft.AspNetCore.Http;

namespace Nimbus.Api.Hosting;

/// <summary>
/// The APIs that speak AWS's query protocol on the endpoint (a form posted to <c>/</c>), told apart by the form's
/// Version, else by the service the request's SigV4 credential is scoped to: their signing names, versions and XML
/// namespaces.
/// </summary>
internal static class QueryServices
{
    public const string Sqs = "sqs";
    public const string Iam = "iam";
    public const string Sts = "sts";
    public const string Monitoring = "monitoring";

    public const string SqsVersion = "2012-11-05";
    public const string IamVersion = "2010-05-08";
    public const string StsVersion = "2011-06-15";
    public const string MonitoringVersion = "2010-08-01";

    public const string IamNamespace = "https://iam.amazonaws.com/doc/2010-05-08/";
    public const string StsNamespace = "https://sts.amazonaws.com/doc/2011-06-15/";

    /// <summary>Where the authentication middleware leaves the signing name of a form post's credential scope.</summary>
    public const string SigningServiceItem = "nimbus.query-signing-service";

    /// <summary>The query-protocol service a signing name names (the literal, so nothing is allocated); null for others.</summary>
    public static string? Named(ReadOnlySpan<char> signingName) => signingName switch
    {
        Sqs => Sqs,
        Iam => Iam,
        Sts => Sts,
        Monitoring => Monitoring,
        _ => null,
    };

    /// <summary>The service a form's Version selects; null for a version none of them has.</summary>
    public static string? OfVersion(string? version) => version switch
    {
        SqsVersion => Sqs,
        IamVersion => Iam,
        StsVersion => Sts,
        MonitoringVersion => Monitoring,
        _ => null,
    };

    /// <summary>The signing name the request's credential was scoped to, when it is a form post that was authenticated.</summary>
    public static string? SigningService(HttpContext context) =>
        context.Items.TryGetValue(SigningServiceItem, out var value) ? value as string : null;

    /// <summary>
    /// A query-protocol request: a form posted anywhere but to the Lambda REST API, whose paths begin with an API
    /// version date (<c>/2015-03-31/functions/NAME/invocations</c>). There a form content type is the payload's, as
    /// <c>curl -d '{}'</c> sends it, and Lambda takes the body as it is.
    /// </summary>
    public static bool IsForm(HttpRequest request) =>
        HttpMethods.IsPost(request.Method) && request.HasFormContentType && !IsLambdaRestPath(request.Path)
        && !request.Headers["X-Amz-Target"].ToString().StartsWith("AmazonSQS.", StringComparison.Ordinal);

    /// <summary>Whether <paramref name="path"/> begins with a Lambda API version (<c>/YYYY-MM-DD/</c>).</summary>
    public static bool IsLambdaRestPath(PathString path)
    {
        var value = path.Value.AsSpan();
        return value.Length > 12 && value[0] == '/' && value[11] == '/' && value[5] == '-' && value[8] == '-'
            && char.IsAsciiDigit(value[1]) && char.IsAsciiDigit(value[2]) && char.IsAsciiDigit(value[3]) && char.IsAsciiDigit(value[4])
            && char.IsAsciiDigit(value[6]) && char.IsAsciiDigit(value[7]) && char.IsAsciiDigit(value[9]) && char.IsAsciiDigit(value[10]);
    }
}
