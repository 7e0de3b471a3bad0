// SPDX-License-Identifier: Apache-2.0
namespace Nimbus.TestKit;

/// <summary>
/// The execution roles the tests name in CreateFunction (arn:aws:iam::000000000000:role/lambda-role, role/r,
/// role/other), made through IAM's API when a test server starts, as a user makes them before deploying: each trusts
/// lambda.amazonaws.com and may do everything, so functions that call back into Nimbus keep working as before roles
/// were checked. Tests of narrower roles make their own.
/// </summary>
public static class TestRoles
{
    public static readonly IReadOnlyList<string> Names = ["lambda-role", "r", "other"];

    public const string TrustsLambda =
        """{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"lambda.amazonaws.com"},"Action":"sts:AssumeRole"}]}""";

    public const string AllowsEverything = """{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}""";

    /// <summary>Creates the roles (signed with the root key); one that exists already (a restart) is left as it is.</summary>
    public static async Task CreateAsync(Uri endpoint, CancellationToken cancellationToken)
    {
        using var http = new HttpClient(new SigV4SigningHandler(new SocketsHttpHandler(), "iam")) { BaseAddress = endpoint };
        foreach (var name in Names)
        {
            await CallAsync(http, cancellationToken, ("Action", "CreateRole"), ("RoleName", name), ("AssumeRolePolicyDocument", TrustsLambda));
            await CallAsync(http, cancellationToken, ("Action", "PutRolePolicy"), ("RoleName", name), ("PolicyName", "everything"), ("PolicyDocument", AllowsEverything));
        }
    }

    private static async Task CallAsync(HttpClient http, CancellationToken cancellationToken, params (string Name, string Value)[] parameters)
    {
        var form = new List<KeyValuePair<string, string>>(parameters.Length + 1) { new("Version", "2010-05-08") };
        form.AddRange(parameters.Select(p => new KeyValuePair<string, string>(p.Name, p.Value)));
        using var response = await http.PostAsync(new Uri("/", UriKind.Relative), new FormUrlEncodedContent(form), cancellationToken);
        var body = await response.Content.ReadAsStringAsync(cancellationToken);
        if (!response.IsSuccessStatusCode && !body.Contains("<Code>EntityAlreadyExists</Code>", StringComparison.Ordinal))
        {
            throw new InvalidOperationException($"IAM {parameters[0].Value} failed: {(int)response.StatusCode} {body}");
        }
    }
}
