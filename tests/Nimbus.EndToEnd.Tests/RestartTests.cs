// SPDX-License-Identifier: Apache-2.0
using System.Diagnostics;
using Nimbus.TestKit;

namespace Nimbus.EndToEnd.Tests;

/// <summary>Durability: what the server acknowledged survives <c>kill -9</c>.</summary>
public sealed class RestartTests
{
    [Fact]
    public async Task KillDuringCreates_EveryAcknowledgedFunctionSurvives()
    {
        await using var server = await NimbusServer.StartAsync(TestEnvironment.Server, TestContext.Current.CancellationToken);
        var clients = new AwsClients(server);
        var acknowledged = new List<string>();
        var enough = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        // A client creates functions one after another and prints each name once CreateFunction has answered.
        var start = new ProcessStartInfo(AwsClients.Python)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in (string[])[Path.Combine(AppContext.BaseDirectory, "Scripts", "lambda_api.py"), "create_many", "durable", "500"])
        {
            start.ArgumentList.Add(argument);
        }

        ChildProcess.Prepare(start, clients.Environment);

        using var creator = new Process { StartInfo = start };
        creator.OutputDataReceived += (_, e) =>
        {
            if (e.Data is { Length: > 0 } line && line.StartsWith("durable-", StringComparison.Ordinal))
            {
                lock (acknowledged)
                {
                    acknowledged.Add(line);
                    if (acknowledged.Count >= 25)
                    {
                        enough.TrySetResult();
                    }
                }
            }
        };
        creator.Start();
        creator.BeginOutputReadLine();
        var stderr = creator.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);

        await enough.Task.WaitAsync(TimeSpan.FromSeconds(120), TestContext.Current.CancellationToken);
        await server.KillAsync(); // SIGKILL, mid-stream
        await creator.WaitForExitAsync(TestContext.Current.CancellationToken);
        await stderr;

        await server.RestartAsync(TestContext.Current.CancellationToken);
        string[] names;
        lock (acknowledged)
        {
            names = [.. acknowledged];
        }

        var check = await ChildProcess.RunAsync(
            AwsClients.Python,
            [Path.Combine(AppContext.BaseDirectory, "Scripts", "lambda_api.py"), "exists"],
            new AwsClients(server).Environment,
            standardInput: string.Join('\n', names) + "\n",
            cancellationToken: TestContext.Current.CancellationToken);
        Assert.True(check.ExitCode == 0, $"acknowledged functions missing after kill -9: {check}\n--- server\n{server.Output}");
        Assert.StartsWith(names.Length.ToString(System.Globalization.CultureInfo.InvariantCulture), check.StandardOutput, StringComparison.Ordinal);
    }

    [Fact]
    public async Task KillAndRestart_FunctionsTagsAndCodeAreStillThere()
    {
        await using var server = await NimbusServer.StartAsync(TestEnvironment.Server, TestContext.Current.CancellationToken);
        var zip = ZipBuilder.PythonEcho("kept");
        var zipPath = ZipBuilder.WriteTemp(zip);
        try
        {
            var cli = new AwsClients(server);
            await cli.CliJsonAsync(
                "lambda", "create-function", "--function-name", "kept", "--runtime", "python3.11", "--handler", "app.handler",
                "--role", "arn:aws:iam::000000000000:role/r", "--zip-file", $"fileb://{zipPath}", "--tags", "keep=yes");
            await cli.CliJsonAsync("lambda", "wait", "function-active-v2", "--function-name", "kept");
            var before = await cli.CliJsonAsync("lambda", "get-function-configuration", "--function-name", "kept");

            await server.KillAsync();
            await server.RestartAsync(TestContext.Current.CancellationToken);

            cli = new AwsClients(server);
            var after = await cli.CliJsonAsync("lambda", "get-function", "--function-name", "kept");
            Assert.Equal((string?)before["RevisionId"], (string?)after["Configuration"]!["RevisionId"]);
            Assert.Equal((string?)before["CodeSha256"], (string?)after["Configuration"]!["CodeSha256"]);
            Assert.Equal("yes", (string?)after["Tags"]!["keep"]);
            using var http = new HttpClient();
            var downloaded = await http.GetByteArrayAsync(new Uri((string)after["Code"]!["Location"]!), TestContext.Current.CancellationToken);
            Assert.Equal(zip, downloaded);
        }
        finally
        {
            File.Delete(zipPath);
        }
    }

    [Fact]
    public async Task KillWithQueuedEvents_EveryAcceptedEventIsDeliveredAfterRestart()
    {
        await using var server = await NimbusServer.StartAsync(TestEnvironment.Server, TestContext.Current.CancellationToken);
        var queued = await new AwsClients(server).Boto3Async("invoke.py", "enqueue_slow_events");
        Assert.True(queued.ExitCode == 0, queued.ToString());
        var function = queued.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries)[^2].Trim();

        await server.KillAsync(); // SIGKILL while the events are queued or running
        await server.RestartAsync(TestContext.Current.CancellationToken);

        var delivered = await new AwsClients(server).Boto3Async("invoke.py", "events_delivered_after_restart", function);
        Assert.True(delivered.ExitCode == 0, $"{delivered}\n--- server\n{server.Output}");
    }

    [Fact]
    public async Task Server_BadConfiguration_ExitsWithEveryProblem()
    {
        var result = await ChildProcess.RunAsync(
            NimbusServer.Executable(),
            ["server", "--port", "70000"],
            new Dictionary<string, string> { ["NIMBUS_ACCOUNT_ID"] = "12", ["NIMBUS_DATA_DIR"] = Path.GetTempPath() },
            cancellationToken: TestContext.Current.CancellationToken);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("Port must be a whole number from 0 to 65535 (got '70000' from --port).", result.StandardError, StringComparison.Ordinal);
        Assert.Contains("AccountId must be 12 digits (got '12' from NIMBUS_ACCOUNT_ID).", result.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Health_AnswersOkOnceListening()
    {
        await using var server = await NimbusServer.StartAsync(TestEnvironment.Server, TestContext.Current.CancellationToken);
        using var http = new HttpClient();

        var response = await http.GetAsync(new Uri(server.Endpoint, "/_nimbus/health"), TestContext.Current.CancellationToken);

        Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
        var body = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        Assert.Contains("\"Status\":\"ok\"", body, StringComparison.Ordinal);
    }
}
