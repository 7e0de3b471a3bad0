// SPDX-License-Identifier: Apache-2.0
using Nimbus.TestKit;

namespace Nimbus.EndToEnd.Tests;

/// <summary>A graceful stop (SIGTERM): what it drained is said, and no function log line is lost.</summary>
public sealed class ShutdownTests
{
    private const string LongRunning = """
        import boto3, time

        def handler(event, context):
            print("written-before-the-stop", flush=True)
            boto3.client("lambda").tag_resource(Resource=context.invoked_function_arn, Tags={"running": "yes"})
            time.sleep(600)
        """;

    [Fact]
    public async Task Stop_WithAnInvocationRunning_KeepsItsLogLinesAndSaysWhatWasDrained()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var server = await NimbusServer.StartAsync(TestEnvironment.Server, ct);
        var clients = new AwsClients(server);
        var zipPath = ZipBuilder.WriteTemp(ZipBuilder.Create(("app.py", LongRunning)));
        try
        {
            await clients.CliJsonAsync(
                "lambda", "create-function", "--function-name", "long", "--runtime", "python3.11", "--handler", "app.handler",
                "--role", "arn:aws:iam::000000000000:role/r", "--zip-file", $"fileb://{zipPath}", "--timeout", "900");
            await clients.CliJsonAsync("lambda", "wait", "function-active-v2", "--function-name", "long");
        }
        finally
        {
            File.Delete(zipPath);
        }

        var arn = (string)(await clients.CliJsonAsync("lambda", "get-function-configuration", "--function-name", "long"))["FunctionArn"]!;
        await clients.CliJsonAsync("lambda", "invoke", "--function-name", "long", "--invocation-type", "Event", "/dev/null");

        // The handler tags its function once it has printed its line: then it is mid-invocation.
        using (var deadline = CancellationTokenSource.CreateLinkedTokenSource(ct))
        {
            deadline.CancelAfter(TimeSpan.FromSeconds(90));
            while ((string?)(await clients.CliJsonAsync("lambda", "list-tags", "--resource", arn))["Tags"]?["running"] != "yes")
            {
                await Task.Delay(TimeSpan.FromMilliseconds(200), deadline.Token);
            }
        }

        var status = await server.StopAsync(ct);

        Assert.True(status == 0, $"exit status {status}\n{server.Output}");
        var summary = Assert.Single(server.Output.Split('\n'), line => line.StartsWith("Nimbus stopped in ", StringComparison.Ordinal));
        Assert.Matches(@"^Nimbus stopped in \d+\.\d s: 0 invocations finished, 1 cut short \(their log lines kept\), 1 environment shut down, function logs written\s*$", summary);

        var query = await ChildProcess.RunAsync(
            AwsClients.Python,
            ["-c", "import sqlite3, sys; print('\\n'.join(r[0] for r in sqlite3.connect(sys.argv[1]).execute('SELECT message FROM log_records ORDER BY id')))", Path.Combine(server.DataDir, "nimbus.db")],
            cancellationToken: ct);
        Assert.True(query.ExitCode == 0, query.ToString());
        var lines = query.StandardOutput.Split('\n', StringSplitOptions.TrimEntries);
        var start = Array.FindIndex(lines, line => line.StartsWith("START RequestId: ", StringComparison.Ordinal));
        var written = Array.IndexOf(lines, "written-before-the-stop");
        var end = Array.FindIndex(lines, line => line.StartsWith("END RequestId: ", StringComparison.Ordinal));
        Assert.True(start >= 0 && written > start && end > written, $"log lines of the cut-short invocation:\n{query.StandardOutput}");
    }
}
