// SPDX-License-Identifier: Apache-2.0
using Nimbus.TestKit;

namespace Nimbus.EndToEnd.Tests;

/// <summary>docs/concurrency.md's commands, with the AWS CLI v2 (Debian's awscli).</summary>
public sealed class AwsCliConcurrencyTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    private const string Role = "arn:aws:iam::000000000000:role/lambda-role";

    [Fact]
    public async Task PutGetDeleteFunctionConcurrency_WithTheCli_Works()
    {
        var cli = fixture.Clients;
        var name = $"cli-conc-{Guid.NewGuid():N}"[..20];
        var zipPath = ZipBuilder.WriteTemp(ZipBuilder.PythonEcho());
        try
        {
            await cli.CliJsonAsync(
                "lambda", "create-function", "--function-name", name, "--runtime", "python3.12", "--handler", "app.handler",
                "--role", Role, "--zip-file", $"fileb://{zipPath}");
            var before = await cli.CliJsonAsync("lambda", "get-account-settings");

            var put = await cli.CliJsonAsync("lambda", "put-function-concurrency", "--function-name", name, "--reserved-concurrent-executions", "10");
            Assert.Equal(10, (int?)put["ReservedConcurrentExecutions"]);
            var got = await cli.CliJsonAsync("lambda", "get-function-concurrency", "--function-name", name);
            Assert.Equal(10, (int?)got["ReservedConcurrentExecutions"]);
            var function = await cli.CliJsonAsync("lambda", "get-function", "--function-name", name);
            Assert.Equal(10, (int?)function["Concurrency"]!["ReservedConcurrentExecutions"]);
            var after = await cli.CliJsonAsync("lambda", "get-account-settings");
            Assert.Equal(
                (int?)before["AccountLimit"]!["UnreservedConcurrentExecutions"] - 10,
                (int?)after["AccountLimit"]!["UnreservedConcurrentExecutions"]);

            var refused = await cli.CliAsync("lambda", "put-function-concurrency", "--function-name", name, "--reserved-concurrent-executions", "100000");
            Assert.NotEqual(0, refused.ExitCode);
            Assert.Contains(
                "An error occurred (InvalidParameterValueException) when calling the PutFunctionConcurrency operation: Specified ReservedConcurrentExecutions for function decreases account's UnreservedConcurrentExecution below its minimum value of [100].",
                refused.StandardError,
                StringComparison.Ordinal);

            var deleted = await cli.CliAsync("lambda", "delete-function-concurrency", "--function-name", name);
            Assert.True(deleted.ExitCode == 0, deleted.ToString());
            var restored = await cli.CliJsonAsync("lambda", "get-account-settings");
            Assert.Equal((int?)before["AccountLimit"]!["UnreservedConcurrentExecutions"], (int?)restored["AccountLimit"]!["UnreservedConcurrentExecutions"]);
        }
        finally
        {
            File.Delete(zipPath);
            await cli.CliAsync("lambda", "delete-function", "--function-name", name);
        }
    }
}
