// SPDX-License-Identifier: Apache-2.0
using System.Text.Json.Nodes;
using Nimbus.TestKit;

namespace Nimbus.EndToEnd.Tests;

/// <summary>
/// The audit trail through <c>aws cloudtrail lookup-events</c> and <c>nimbus audit</c> (docs/audit.md): a create, a
/// denied call and a delete are found with the CLI's lookup attributes, in AWS's record shape, and no row holds a secret.
/// </summary>
public sealed class AwsCliAuditTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    private const string Account = "000000000000";
    private const string Role = $"arn:aws:iam::{Account}:role/lambda-role";

    [Fact]
    public async Task CreateDeniedDelete_AreFoundWithLookupEvents()
    {
        var cli = fixture.Clients;
        var suffix = Guid.NewGuid().ToString("N")[..10];
        var function = $"audited-{suffix}";
        var user = $"auditee-{suffix}";
        var envSecret = $"env-secret-{suffix}";
        var zipPath = ZipBuilder.WriteTemp(ZipBuilder.PythonEcho());
        try
        {
            await cli.CliJsonAsync(
                "lambda", "create-function", "--function-name", function, "--runtime", "python3.11", "--handler", "app.handler",
                "--role", Role, "--zip-file", $"fileb://{zipPath}", "--environment", $"Variables={{DB_PASSWORD={envSecret}}}");
        }
        finally
        {
            File.Delete(zipPath);
        }

        await cli.CliJsonAsync("iam", "create-user", "--user-name", user);
        var key = (await cli.CliJsonAsync("iam", "create-access-key", "--user-name", user))["AccessKey"]!;
        var userKeyId = (string)key["AccessKeyId"]!;
        var userSecret = (string)key["SecretAccessKey"]!;
        var denied = await ChildProcess.RunAsync(
            AwsClients.AwsCli,
            ["--endpoint-url", fixture.Server.Endpoint.ToString().TrimEnd('/'), "lambda", "get-function", "--function-name", function],
            new Dictionary<string, string>(cli.Environment) { ["AWS_ACCESS_KEY_ID"] = userKeyId, ["AWS_SECRET_ACCESS_KEY"] = userSecret }, cancellationToken: TestContext.Current.CancellationToken);
        Assert.Contains("(AccessDeniedException)", denied.StandardError, StringComparison.Ordinal);
        await cli.CliJsonAsync("lambda", "delete-function", "--function-name", function);

        // Each answer came after its event was committed: the lookups need no waiting.
        var created = Single(await LookupAsync("EventName", "CreateFunction20150331"), function);
        Assert.Equal("CreateFunction20150331", (string?)created["EventName"]);
        Assert.Equal("false", (string?)created["ReadOnly"]);
        Assert.Equal("lambda.amazonaws.com", (string?)created["EventSource"]);
        Assert.Equal("root", (string?)created["Username"]);
        Assert.Equal(AwsClients.AccessKeyId, (string?)created["AccessKeyId"]);
        Assert.Contains(created["Resources"]!.AsArray(), r => (string?)r!["ResourceType"] == "AWS::Lambda::Function" && (string?)r["ResourceName"] == function);
        var record = JsonNode.Parse((string)created["CloudTrailEvent"]!)!;
        Assert.Equal("1.08", (string?)record["eventVersion"]);
        Assert.Equal("Root", (string?)record["userIdentity"]!["type"]);
        Assert.Equal($"arn:aws:iam::{Account}:root", (string?)record["userIdentity"]!["arn"]);
        Assert.Equal("us-east-1", (string?)record["awsRegion"]);
        Assert.Equal("127.0.0.1", (string?)record["sourceIPAddress"]);
        Assert.StartsWith("aws-cli/2.", (string?)record["userAgent"], StringComparison.Ordinal);
        Assert.Equal(function, (string?)record["requestParameters"]!["functionName"]);
        Assert.Equal("python3.11", (string?)record["requestParameters"]!["runtime"]);
        Assert.Equal("HIDDEN_DUE_TO_SECURITY_REASONS", (string?)record["requestParameters"]!["environment"]!["variables"]);
        Assert.Equal("AwsApiCall", (string?)record["eventType"]);
        Assert.Equal("Management", (string?)record["eventCategory"]);
        Assert.True((bool)record["managementEvent"]!);
        Assert.False((bool)record["readOnly"]!);
        Assert.Equal(Account, (string?)record["recipientAccountId"]);
        Assert.Null(record["errorCode"]);
        Assert.Equal(function, (string?)record["responseElements"]!["functionName"]);
        Assert.Equal($"arn:aws:lambda:us-east-1:{Account}:function:{function}", (string?)record["responseElements"]!["functionArn"]);
        Assert.Equal("HIDDEN_DUE_TO_SECURITY_REASONS", (string?)record["responseElements"]!["environment"]!["variables"]);

        var refused = Assert.Single(await LookupAsync("Username", user), e => (string?)e["EventName"] == "GetFunction20150331v2");
        Assert.Equal(userKeyId, (string?)refused["AccessKeyId"]);
        var refusal = JsonNode.Parse((string)refused["CloudTrailEvent"]!)!;
        Assert.Equal("AccessDenied", (string?)refusal["errorCode"]);
        Assert.Equal(
            $"User: arn:aws:iam::{Account}:user/{user} is not authorized to perform: lambda:GetFunction on resource: arn:aws:lambda:us-east-1:{Account}:function:{function} because no identity-based policy allows the lambda:GetFunction action",
            (string?)refusal["errorMessage"]);
        Assert.Equal("IAMUser", (string?)refusal["userIdentity"]!["type"]);
        Assert.Equal(user, (string?)refusal["userIdentity"]!["userName"]);
        Assert.True((bool)refusal["readOnly"]!);
        Assert.Null(refusal["responseElements"]);

        var onFunction = await LookupAsync("ResourceName", function);
        var names = onFunction.Select(e => (string?)e!["EventName"]).ToList();
        Assert.Equal(["DeleteFunction20150331", "GetFunction20150331v2", "CreateFunction20150331"], names);

        // A secret is in no row: not the function's environment, not the access key's secret, not any signing key.
        var audit = await ChildProcess.RunAsync(NimbusServer.Executable(), ["audit", "--data-dir", fixture.Server.DataDir, "--json", "--max-results", "100000"], cancellationToken: TestContext.Current.CancellationToken);
        Assert.True(audit.ExitCode == 0, audit.ToString());
        Assert.Contains($"\"functionName\":\"{function}\"", audit.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("\"eventName\":\"CreateAccessKey\"", audit.StandardOutput, StringComparison.Ordinal);
        foreach (var secret in (string[])[envSecret, userSecret, AwsClients.SecretAccessKey])
        {
            Assert.DoesNotContain(secret, audit.StandardOutput, StringComparison.Ordinal);
        }

        var text = await ChildProcess.RunAsync(NimbusServer.Executable(), ["audit", "--data-dir", fixture.Server.DataDir, "--resource-name", function], cancellationToken: TestContext.Current.CancellationToken);
        Assert.True(text.ExitCode == 0, text.ToString());
        var lines = text.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(3, lines.Length);
        Assert.Contains("DeleteFunction20150331", lines[0], StringComparison.Ordinal);
        Assert.EndsWith("AccessDenied", lines[1].TrimEnd(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task FailedAuthentication_IsRecordedWithTheKeyIdAndNoSecret()
    {
        var cli = fixture.Clients;
        var unknownKey = "AKIA" + Guid.NewGuid().ToString("N")[..16].ToUpperInvariant();
        var wrongSecret = $"wrong-{Guid.NewGuid():N}";
        foreach (var (keyId, expected) in new[] { (unknownKey, "(UnrecognizedClientException)"), (AwsClients.AccessKeyId, "(InvalidSignatureException)") })
        {
            var refused = await ChildProcess.RunAsync(
                AwsClients.AwsCli,
                ["--endpoint-url", fixture.Server.Endpoint.ToString().TrimEnd('/'), "lambda", "list-functions"],
                new Dictionary<string, string>(cli.Environment) { ["AWS_ACCESS_KEY_ID"] = keyId, ["AWS_SECRET_ACCESS_KEY"] = wrongSecret },
                cancellationToken: TestContext.Current.CancellationToken);
            Assert.Contains(expected, refused.StandardError, StringComparison.Ordinal);
        }

        // Not waited for by the refusals (queued as data events are): polled until the writer has committed them.
        JsonNode? unknown = null;
        JsonNode? mismatch = null;
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while ((unknown is null || mismatch is null) && DateTime.UtcNow < deadline)
        {
            unknown = (await LookupAsync("AccessKeyId", unknownKey)).FirstOrDefault();
            mismatch = (await LookupAsync("AccessKeyId", AwsClients.AccessKeyId)).FirstOrDefault(
                e => JsonNode.Parse((string)e["CloudTrailEvent"]!)!["errorCode"]?.ToString() == "InvalidSignatureException");
            if (unknown is null || mismatch is null)
            {
                await Task.Delay(100, TestContext.Current.CancellationToken);
            }
        }

        Assert.NotNull(unknown);
        Assert.NotNull(mismatch);
        Assert.Equal("ListFunctions20150331", (string?)unknown["EventName"]);
        var record = JsonNode.Parse((string)unknown["CloudTrailEvent"]!)!;
        Assert.Equal("UnrecognizedClientException", (string?)record["errorCode"]);
        Assert.Equal("The security token included in the request is invalid.", (string?)record["errorMessage"]);
        Assert.Equal("Unknown", (string?)record["userIdentity"]!["type"]);
        Assert.Equal(unknownKey, (string?)record["userIdentity"]!["accessKeyId"]);
        Assert.Equal(Account, (string?)record["recipientAccountId"]);
        Assert.Equal("ListFunctions20150331", (string?)mismatch["EventName"]);
        foreach (var row in (JsonNode[])[unknown, mismatch])
        {
            Assert.DoesNotContain(wrongSecret, row.ToJsonString(), StringComparison.Ordinal);
            Assert.DoesNotContain(AwsClients.SecretAccessKey, row.ToJsonString(), StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task LookupEvents_ByAUserWithoutPermission_IsDenied()
    {
        var cli = fixture.Clients;
        var user = $"reader-{Guid.NewGuid():N}"[..17];
        await cli.CliJsonAsync("iam", "create-user", "--user-name", user);
        var key = (await cli.CliJsonAsync("iam", "create-access-key", "--user-name", user))["AccessKey"]!;
        var environment = new Dictionary<string, string>(cli.Environment) { ["AWS_ACCESS_KEY_ID"] = (string)key["AccessKeyId"]!, ["AWS_SECRET_ACCESS_KEY"] = (string)key["SecretAccessKey"]! };
        var refused = await ChildProcess.RunAsync(AwsClients.AwsCli, ["--endpoint-url", fixture.Server.Endpoint.ToString().TrimEnd('/'), "cloudtrail", "lookup-events"], environment, cancellationToken: TestContext.Current.CancellationToken);
        Assert.Contains(
            $"An error occurred (AccessDeniedException) when calling the LookupEvents operation: User: arn:aws:iam::{Account}:user/{user} is not authorized to perform: cloudtrail:LookupEvents on resource: * because no identity-based policy allows the cloudtrail:LookupEvents action",
            refused.StandardError,
            StringComparison.Ordinal);

        await cli.CliJsonAsync(
            "iam", "put-user-policy", "--user-name", user, "--policy-name", "trail",
            "--policy-document", """{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"cloudtrail:LookupEvents","Resource":"*"}]}""");
        var allowed = await ChildProcess.RunAsync(
            AwsClients.AwsCli,
            ["--endpoint-url", fixture.Server.Endpoint.ToString().TrimEnd('/'), "--output", "json", "cloudtrail", "lookup-events", "--lookup-attributes", $"AttributeKey=Username,AttributeValue={user}"],
            environment, cancellationToken: TestContext.Current.CancellationToken);
        Assert.True(allowed.ExitCode == 0, allowed.ToString());
        var events = JsonNode.Parse(allowed.StandardOutput)!["Events"]!.AsArray();
        Assert.Contains(events, e => (string?)e!["EventName"] == "LookupEvents" && JsonNode.Parse((string)e["CloudTrailEvent"]!)!["errorCode"]?.ToString() == "AccessDenied");
    }

    [Fact]
    public async Task FailedManagementWrite_IsRecordedWithItsError()
    {
        var cli = fixture.Clients;
        var function = $"twice-{Guid.NewGuid():N}"[..16];
        var zipPath = ZipBuilder.WriteTemp(ZipBuilder.PythonEcho());
        try
        {
            string[] create = ["lambda", "create-function", "--function-name", function, "--runtime", "python3.11", "--handler", "app.handler", "--role", Role, "--zip-file", $"fileb://{zipPath}"];
            await cli.CliJsonAsync(create);
            var again = await ChildProcess.RunAsync(
                AwsClients.AwsCli, ["--endpoint-url", fixture.Server.Endpoint.ToString().TrimEnd('/'), .. create], cli.Environment, cancellationToken: TestContext.Current.CancellationToken);
            Assert.Contains("(ResourceConflictException)", again.StandardError, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(zipPath);
        }

        // The refused write was answered (by the error middleware) after its event was committed, like any other.
        var creates = (await LookupAsync("ResourceName", function)).Where(e => (string?)e["EventName"] == "CreateFunction20150331").ToList();
        Assert.Equal(2, creates.Count);
        var failed = JsonNode.Parse((string)creates[0]["CloudTrailEvent"]!)!;
        Assert.Equal("ResourceConflictException", (string?)failed["errorCode"]);
        Assert.Equal($"Function already exist: {function}", (string?)failed["errorMessage"]);
        Assert.Null(failed["responseElements"]);
        Assert.Null(JsonNode.Parse((string)creates[1]["CloudTrailEvent"]!)!["errorCode"]);
        await cli.CliJsonAsync("lambda", "delete-function", "--function-name", function);
    }

    private static JsonNode Single(IEnumerable<JsonNode> events, string function) =>
        Assert.Single(events, e => JsonNode.Parse((string)e["CloudTrailEvent"]!)!["requestParameters"]?["functionName"]?.ToString() == function);

    private async Task<List<JsonNode>> LookupAsync(string key, string value)
    {
        // The CLI pages through NextToken by itself.
        var result = await fixture.Clients.CliJsonAsync("cloudtrail", "lookup-events", "--lookup-attributes", $"AttributeKey={key},AttributeValue={value}");
        return [.. result["Events"]!.AsArray().Select(e => e!)];
    }
}
