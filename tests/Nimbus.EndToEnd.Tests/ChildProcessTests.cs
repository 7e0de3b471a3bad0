// SPDX-License-Identifier: Apache-2.0
using Nimbus.TestKit;

namespace Nimbus.EndToEnd.Tests;

/// <summary>The boto3 scripts decide by <c>assert</c>: no PYTHONOPTIMIZE may reach them and turn their verdicts off.</summary>
public sealed class ChildProcessTests
{
    [Theory]
    [InlineData("1")]
    [InlineData("2")]
    public async Task RunAsync_PythonOptimizeGiven_AssertsStillFail(string level)
    {
        var result = await ChildProcess.RunAsync(
            AwsClients.Python,
            ["-c", "import sys; print(sys.flags.optimize); assert False, 'the verdict'"],
            new Dictionary<string, string> { ["PYTHONOPTIMIZE"] = level },
            cancellationToken: TestContext.Current.CancellationToken);

        Assert.Equal("0", result.StandardOutput.Trim());
        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("AssertionError: the verdict", result.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Prepare_PythonOptimizeInherited_Removed()
    {
        var start = new System.Diagnostics.ProcessStartInfo(AwsClients.Python);
        start.Environment["PYTHONOPTIMIZE"] = "1";

        ChildProcess.Prepare(start, new Dictionary<string, string> { ["A"] = "b" });

        Assert.False(start.Environment.ContainsKey("PYTHONOPTIMIZE"));
        Assert.Equal("b", start.Environment["A"]);
    }
}
