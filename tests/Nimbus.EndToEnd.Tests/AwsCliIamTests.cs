// SPDX-License-Identifier: Apache-2.0
using System.Text.Json.Nodes;
using Nimbus.TestKit;

namespace Nimbus.EndToEnd.Tests;

/// <summary>IAM and STS with the AWS CLI v2 (<c>aws iam</c>, <c>aws sts</c>), as docs/access.md shows them.</summary>
public sealed class AwsCliIamTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    private const string Account = "000000000000";

    [Fact]
    public async Task UserKeyAndPolicies_WithTheCli_DecideWhatTheUserMayDo()
    {
        var cli = fixture.Clients;
        var user = $"cli-{Guid.NewGuid():N}"[..16];
        var created = await cli.CliJsonAsync("iam", "create-user", "--user-name", user);
        Assert.Equal($"arn:aws:iam::{Account}:user/{user}", (string?)created["User"]!["Arn"]);
        var key = (await cli.CliJsonAsync("iam", "create-access-key", "--user-name", user))["AccessKey"]!;
        var asUser = Environment((string)key["AccessKeyId"]!, (string)key["SecretAccessKey"]!);

        var me = await JsonAsync(asUser, "sts", "get-caller-identity");
        Assert.Equal((string?)created["User"]!["Arn"], (string?)me["Arn"]);
        Assert.Equal((string?)created["User"]!["UserId"], (string?)me["UserId"]);
        var refused = await RunAsync(asUser, "iam", "list-users");
        Assert.NotEqual(0, refused.ExitCode);
        Assert.Contains(
            $"An error occurred (AccessDenied) when calling the ListUsers operation: User: arn:aws:iam::{Account}:user/{user} is not authorized to perform: iam:ListUsers on resource: arn:aws:iam::{Account}:user/ because no identity-based policy allows the iam:ListUsers action",
            refused.StandardError,
            StringComparison.Ordinal);

        await cli.CliJsonAsync(
            "iam", "put-user-policy", "--user-name", user, "--policy-name", "list",
            "--policy-document", """{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iam:ListUsers","Resource":"*"}]}""");
        var listed = await JsonAsync(asUser, "iam", "list-users");
        Assert.Contains(user, listed["Users"]!.AsArray().Select(u => (string?)u!["UserName"]));
        var document = (await cli.CliJsonAsync("iam", "get-user-policy", "--user-name", user, "--policy-name", "list"))["PolicyDocument"]!;
        Assert.Equal("iam:ListUsers", (string?)document["Statement"]![0]!["Action"]);

        await cli.CliJsonAsync("iam", "update-access-key", "--user-name", user, "--access-key-id", (string)key["AccessKeyId"]!, "--status", "Inactive");
        var inactive = await RunAsync(asUser, "sts", "get-caller-identity");
        Assert.Contains("(InvalidClientTokenId)", inactive.StandardError, StringComparison.Ordinal);

        var conflict = await cli.CliAsync("iam", "delete-user", "--user-name", user);
        Assert.Contains("An error occurred (DeleteConflict) when calling the DeleteUser operation: Cannot delete entity, must delete access keys first.", conflict.StandardError, StringComparison.Ordinal);
        await cli.CliJsonAsync("iam", "delete-access-key", "--user-name", user, "--access-key-id", (string)key["AccessKeyId"]!);
        await cli.CliJsonAsync("iam", "delete-user-policy", "--user-name", user, "--policy-name", "list");
        await cli.CliJsonAsync("iam", "delete-user", "--user-name", user);
        var gone = await cli.CliAsync("iam", "get-user", "--user-name", user);
        Assert.Contains($"An error occurred (NoSuchEntity) when calling the GetUser operation: The user with name {user} cannot be found.", gone.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AssumeRole_WithTheCli_GivesASessionOfTheRole()
    {
        var cli = fixture.Clients;
        var suffix = Guid.NewGuid().ToString("N")[..10];
        var user = $"assumer-{suffix}";
        var role = $"role-{suffix}";
        await cli.CliJsonAsync("iam", "create-user", "--user-name", user);
        var key = (await cli.CliJsonAsync("iam", "create-access-key", "--user-name", user))["AccessKey"]!;
        var created = await cli.CliJsonAsync(
            "iam", "create-role", "--role-name", role,
            "--assume-role-policy-document", $$"""{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::{{Account}}:user/{{user}}"},"Action":"sts:AssumeRole"}]}""");
        var roleArn = (string)created["Role"]!["Arn"]!;
        var policy = await cli.CliJsonAsync(
            "iam", "create-policy", "--policy-name", $"roles-{suffix}",
            "--policy-document", """{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iam:GetRole","Resource":"*"}]}""");
        await cli.CliJsonAsync("iam", "attach-role-policy", "--role-name", role, "--policy-arn", (string)policy["Policy"]!["Arn"]!);

        var assumed = await JsonAsync(Environment((string)key["AccessKeyId"]!, (string)key["SecretAccessKey"]!), "sts", "assume-role", "--role-arn", roleArn, "--role-session-name", "cli");
        var credentials = assumed["Credentials"]!;
        var session = Environment((string)credentials["AccessKeyId"]!, (string)credentials["SecretAccessKey"]!, (string)credentials["SessionToken"]!);

        Assert.Equal($"arn:aws:sts::{Account}:assumed-role/{role}/cli", (string?)(await JsonAsync(session, "sts", "get-caller-identity"))["Arn"]);
        Assert.Equal(role, (string?)(await JsonAsync(session, "iam", "get-role", "--role-name", role))["Role"]!["RoleName"]);
        var refused = await RunAsync(session, "iam", "get-user", "--user-name", user);
        Assert.Contains("(AccessDenied)", refused.StandardError, StringComparison.Ordinal);
        var root = await cli.CliAsync("sts", "assume-role", "--role-arn", roleArn, "--role-session-name", "root");
        Assert.Contains("Roles may not be assumed by root accounts.", root.StandardError, StringComparison.Ordinal);

        // No instance profiles in Nimbus (EC2's): a role's list is empty, a missing role's is NoSuchEntity.
        var profiles = await cli.CliJsonAsync("iam", "list-instance-profiles-for-role", "--role-name", role);
        Assert.Empty(profiles["InstanceProfiles"]!.AsArray());
        var missing = await cli.CliAsync("iam", "list-instance-profiles-for-role", "--role-name", $"missing-{suffix}");
        Assert.Contains(
            $"An error occurred (NoSuchEntity) when calling the ListInstanceProfilesForRole operation: The role with name missing-{suffix} cannot be found.",
            missing.StandardError,
            StringComparison.Ordinal);
    }

    private Dictionary<string, string> Environment(string keyId, string secret, string? token = null)
    {
        var environment = new Dictionary<string, string>(fixture.Clients.Environment)
        {
            ["AWS_ACCESS_KEY_ID"] = keyId,
            ["AWS_SECRET_ACCESS_KEY"] = secret,
        };
        if (token is not null)
        {
            environment["AWS_SESSION_TOKEN"] = token;
        }

        return environment;
    }

    private Task<ProcessResult> RunAsync(Dictionary<string, string> environment, params string[] arguments) =>
        ChildProcess.RunAsync(AwsClients.AwsCli, ["--endpoint-url", fixture.Server.Endpoint.ToString().TrimEnd('/'), "--output", "json", .. arguments], environment);

    private async Task<JsonNode> JsonAsync(Dictionary<string, string> environment, params string[] arguments)
    {
        var result = await RunAsync(environment, arguments);
        Assert.True(result.ExitCode == 0, $"aws {string.Join(' ', arguments)} failed: {result}");
        return JsonNode.Parse(result.StandardOutput)!;
    }
}
