// SPDX-License-Identifier: Apache-2.0
using System.Text.Json.Nodes;

namespace Nimbus.EndToEnd.Tests;

/// <summary>
/// CloudWatch Logs with the AWS CLI v2 as users run it: <c>aws logs tail</c> (which polls FilterLogEvents) on a
/// function's group, <c>filter-log-events</c> with a pattern, stream ordering, and retention enforced by the sweep.
/// </summary>
public sealed class AwsCliLogsTests(LogsServerFixture fixture) : IClassFixture<LogsServerFixture>
{
    [Fact]
    public async Task TailAndFilter_OnAFunctionsGroup_ShowItsLines()
    {
        var deployed = await fixture.Clients.Boto3Async("logs.py", "function_logs_are_in_their_group");
        Assert.True(deployed.ExitCode == 0, $"{deployed}\n--- server\n{fixture.Server.Output}");
        var name = deployed.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries)[^2].Trim();
        var group = $"/aws/lambda/{name}";

        var tail = await fixture.Clients.CliAsync("logs", "tail", group, "--since", "1h", "--format", "short");
        Assert.True(tail.ExitCode == 0, tail.ToString());
        var lines = tail.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Contains(lines, l => l.Contains("START RequestId:", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Contains($"hello from {name}", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Contains("REPORT RequestId:", StringComparison.Ordinal));

        var filtered = await fixture.Clients.CliJsonAsync("logs", "filter-log-events", "--log-group-name", group, "--filter-pattern", "\"hello from\"");
        var message = (string?)Assert.Single(filtered["events"]!.AsArray())!["message"];
        Assert.Contains($"hello from {name}", message, StringComparison.Ordinal);
        var none = await fixture.Clients.CliJsonAsync("logs", "filter-log-events", "--log-group-name", group, "--filter-pattern", "?nothing ?absent");
        Assert.Empty(none["events"]!.AsArray());

        var streams = await fixture.Clients.CliJsonAsync("logs", "describe-log-streams", "--log-group-name", group, "--order-by", "LastEventTime", "--descending");
        var stream = (string?)Assert.Single(streams["logStreams"]!.AsArray())!["logStreamName"];
        Assert.Matches(@"^\d{4}/\d{2}/\d{2}/\[\$LATEST\][0-9a-f]{32}$", stream);
    }

    [Fact]
    public async Task PutRetentionPolicy_TheSweepDeletesOlderEvents()
    {
        var cli = fixture.Clients;
        var group = $"/cli/retention-{Guid.NewGuid():N}";
        await cli.CliJsonAsync("logs", "create-log-group", "--log-group-name", group);
        await cli.CliJsonAsync("logs", "create-log-stream", "--log-group-name", group, "--log-stream-name", "s");
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        // Two batches: one batch may not span more than 24 hours.
        foreach (var (timestamp, message) in new[] { (now - (3 * 86_400_000L), "three days old"), (now, "fresh") })
        {
            var events = new JsonArray(new JsonObject { ["timestamp"] = timestamp, ["message"] = message });
            var put = await cli.CliJsonAsync("logs", "put-log-events", "--log-group-name", group, "--log-stream-name", "s", "--log-events", events.ToJsonString());
            Assert.Null(put["rejectedLogEventsInfo"]);
        }

        Assert.Equal(2, (await Messages(group)).Count);

        await cli.CliJsonAsync("logs", "put-retention-policy", "--log-group-name", group, "--retention-in-days", "1");

        // The sweep runs every second on this server: wait for it, with a deadline.
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        deadline.CancelAfter(TimeSpan.FromSeconds(60));
        List<string> left;
        while ((left = await Messages(group)).Count != 1)
        {
            await Task.Delay(200, deadline.Token);
        }

        Assert.Equal(["fresh"], left);
        var described = await cli.CliJsonAsync("logs", "describe-log-groups", "--log-group-name-prefix", group);
        var info = Assert.Single(described["logGroups"]!.AsArray())!;
        Assert.Equal(1, (int?)info["retentionInDays"]);
        Assert.Equal(5, (long?)info["storedBytes"]);
    }

    private async Task<List<string>> Messages(string group)
    {
        var events = await fixture.Clients.CliJsonAsync("logs", "filter-log-events", "--log-group-name", group);
        return [.. events["events"]!.AsArray().Select(e => (string)e!["message"]!)];
    }
}
