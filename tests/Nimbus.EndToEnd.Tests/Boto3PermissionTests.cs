// SPDX-License-Identifier: Apache-2.0
using Nimbus.TestKit;

namespace Nimbus.EndToEnd.Tests;

/// <summary>
/// Function policies with boto3 (Scripts/permissions.py): every field and every AWS error of AddPermission,
/// RemovePermission and GetPolicy, per qualifier, the 20 KB limit, fuzzed inputs, and Invoke across accounts before
/// and after a grant, with a second account made by <c>nimbus account create</c> while the server runs.
/// </summary>
public sealed class Boto3PermissionTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    [Theory]
    [InlineData("round_trip_every_field")]
    [InlineData("errors")]
    [InlineData("policy_size_limit")]
    [InlineData("versions_and_aliases")]
    [InlineData("fuzz_add_permission")]
    [InlineData("cross_account_invoke")]
    [InlineData("other_account_has_its_own_functions")]
    [InlineData("same_account_user_needs_an_allow_in_either_policy")]
    [InlineData("function_policy_grants_other_actions_to_a_user")]
    public async Task Case_Passes(string name)
    {
        var account = await CreateAccountAsync(fixture.Server);
        var environment = new Dictionary<string, string>(fixture.Clients.Environment)
        {
            ["NIMBUS_OTHER_ACCOUNT"] = account,
            ["NIMBUS_CREDENTIALS_FILE"] = Path.Combine(fixture.Server.DataDir, "credentials"),
        };

        var result = await ChildProcess.RunAsync(
            AwsClients.Python,
            [Path.Combine(AppContext.BaseDirectory, "Scripts", "permissions.py"), name],
            environment,
            cancellationToken: TestContext.Current.CancellationToken);

        Assert.True(result.ExitCode == 0, $"boto3 case {name} failed: {result}\n--- server\n{fixture.Server.Output}");
        Assert.EndsWith("ok", result.StandardOutput.TrimEnd(), StringComparison.Ordinal);
    }

    /// <summary>Runs <c>nimbus account create</c> on the running server's data directory; gives the new account's id.</summary>
    internal static async Task<string> CreateAccountAsync(NimbusServer server)
    {
        var created = await ChildProcess.RunAsync(
            NimbusServer.Executable(),
            ["account", "create", "--data-dir", server.DataDir],
            cancellationToken: TestContext.Current.CancellationToken);
        Assert.True(created.ExitCode == 0, created.ToString());
        var account = created.StandardOutput.Trim();
        Assert.Matches("^[0-9]{12}$", account);
        Assert.Contains($"under the profile nimbus-{account}", created.StandardError, StringComparison.Ordinal);
        return account;
    }
}
