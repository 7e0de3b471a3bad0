// SPDX-License-Identifier: Apache-2.0
using Nimbus.TestKit;

namespace Nimbus.EndToEnd.Tests;

/// <summary>
/// The invoke cases of Scripts/invoke.py that run on the default python3.11, on every other Python runtime the README
/// lists: context and warm reuse, handler errors, init errors.
/// </summary>
public sealed class Boto3PythonVersionTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    public static TheoryData<string, string> Cases
    {
        get
        {
            var data = new TheoryData<string, string>();
            foreach (var runtime in RuntimeCases.Python)
            {
                if (runtime == "python3.11")
                {
                    continue; // Boto3InvokeTests runs these on it.
                }

                foreach (var name in (string[])["python_context_and_warm_reuse", "handler_errors", "init_errors"])
                {
                    data.Add(name, runtime);
                }
            }

            return data;
        }
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Case_Passes(string name, string runtime)
    {
        var environment = new Dictionary<string, string>(fixture.Clients.Environment) { ["NIMBUS_TEST_RUNTIME"] = runtime };

        var result = await ChildProcess.RunAsync(
            AwsClients.Python,
            [Path.Combine(AppContext.BaseDirectory, "Scripts", "invoke.py"), name],
            environment,
            cancellationToken: TestContext.Current.CancellationToken);

        Assert.True(result.ExitCode == 0, $"boto3 case {name} on {runtime} failed: {result}\n--- server\n{fixture.Server.Output}");
        Assert.EndsWith("ok", result.StandardOutput.TrimEnd(), StringComparison.Ordinal);
    }
}
