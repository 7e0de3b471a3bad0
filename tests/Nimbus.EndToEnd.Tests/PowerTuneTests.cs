// SPDX-License-Identifier: Apache-2.0
using System.Diagnostics;
using System.Text.Json.Nodes;
using Nimbus.TestKit;

namespace Nimbus.EndToEnd.Tests;

/// <summary>
/// <c>nimbus power-tune</c> (docs/power-tuning.md) against the real server, with the AWS CLI to set up and to look
/// afterwards: every size tried is reported, the best one is the one its strategy picks, and the function is left as it
/// was (its memory size back, the versions the tuning published gone, the user's own version kept) whether the tuning
/// succeeded, the function failed or the user pressed Ctrl-C.
/// </summary>
public sealed class PowerTuneTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    private const string Role = "arn:aws:iam::000000000000:role/lambda-role";

    [Fact]
    public async Task PowerTune_ThreeSizes_ReportsEachAndLeavesTheFunctionAsItWas()
    {
        var function = await CreateAsync("tuned", "def handler(event, context):\n    print(f'MEM={context.memory_limit_in_mb}')\n    return sum(range(20000))\n");
        var userVersion = (string?)(await fixture.Clients.CliJsonAsync("lambda", "publish-version", "--function-name", function))["Version"];

        // 256 MB first: the size of the user's version, which PublishVersion then answers with (and which must stay).
        var run = await PowerTuneAsync(fixture.Clients.Environment, "--function-name", function, "--power-values", "256, 128,512", "--num", "3", "--strategy", "speed", "--payload", """{"n": 1}""");

        Assert.True(run.ExitCode == 0, run.StandardError);
        var output = JsonNode.Parse(run.StandardOutput)!;
        var stats = output["stats"]!.AsArray();
        Assert.Equal([256, 128, 512], stats.Select(s => (int)s!["value"]!));
        foreach (var stat in stats)
        {
            // Billed durations are whole ms, at least 1; the price is that many ms at the size's share of 128 MB.
            var size = (int)stat!["value"]!;
            var duration = (double)stat["averageDuration"]!;
            Assert.True(duration >= 1, $"{size} MB: {duration} ms");
            Assert.Equal(Math.Ceiling(duration) * 2.1e-9 * size / 128, (double)stat["averagePrice"]!, 15);
            Assert.True((double)stat["totalCost"]! >= 3 * 2.1e-9 * size / 128);
        }

        var fastest = stats.OrderBy(s => (double)s!["averageDuration"]!).ThenBy(s => (double)s!["averagePrice"]!).First()!;
        Assert.Equal((int)fastest["value"]!, (int)output["power"]!);
        Assert.Equal((double)fastest["averageDuration"]!, (double)output["duration"]!);
        Assert.Equal(stats.Sum(s => (double)s!["totalCost"]!), (double)output["stateMachine"]!["lambdaCost"]!, 15);
        Assert.Contains($"256 MB (version {userVersion})", run.StandardError, StringComparison.Ordinal);

        // Each size really ran at that size: the function's own log says so, three times each.
        var logged = await fixture.Clients.CliJsonAsync("logs", "filter-log-events", "--log-group-name", $"/aws/lambda/{function}", "--filter-pattern", "MEM");
        var sizes = logged["events"]!.AsArray().Select(e => ((string)e!["message"]!).Trim()).GroupBy(m => m).ToDictionary(g => g.Key, g => g.Count());
        Assert.Equal(new Dictionary<string, int> { ["MEM=128"] = 3, ["MEM=256"] = 3, ["MEM=512"] = 3 }, sizes);
        await AssertLeftAsItWasAsync(function, 256, [userVersion!]);
    }

    [Fact]
    public async Task PowerTune_Interrupted_PutsTheFunctionBackAndSaysSo()
    {
        var function = await CreateAsync("interrupted", "import time\n\ndef handler(event, context):\n    time.sleep(0.5)\n    return 1\n");
        var start = new ProcessStartInfo(NimbusServer.Executable())
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in (string[])["power-tune", "--endpoint-url", fixture.Server.Endpoint.ToString().TrimEnd('/'), "--function-name", function, "--power-values", "512,1024", "--num", "200"])
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var (name, value) in fixture.Clients.Environment)
        {
            start.Environment[name] = value;
        }

        using var tuning = Process.Start(start)!;
        var stdout = tuning.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
        var progress = await tuning.StandardError.ReadLineAsync(TestContext.Current.CancellationToken);
        Assert.Contains("512 MB (version", progress, StringComparison.Ordinal);

        // The size is in place and its invocations under way: interrupted as Ctrl-C would.
        using (var kill = Process.Start("kill", ["-INT", tuning.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
        {
            await kill.WaitForExitAsync(TestContext.Current.CancellationToken);
        }

        var rest = await tuning.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        await tuning.WaitForExitAsync(TestContext.Current.CancellationToken);

        Assert.Equal(130, tuning.ExitCode);
        Assert.Contains("nimbus power-tune: interrupted; the function is as it was", rest, StringComparison.Ordinal);
        Assert.Equal("", await stdout);
        await AssertLeftAsItWasAsync(function, 256, []);
    }

    [Fact]
    public async Task PowerTune_WeightedPayloadFromAFile_SpreadsItsEvents()
    {
        var function = await CreateAsync("weighted", "def handler(event, context):\n    print(f'KIND={event[\"kind\"]}')\n    return 1\n");
        var payload = Path.Combine(Path.GetTempPath(), $"nimbus-test-payload-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(payload, """[{"payload": {"kind": "small"}, "weight": 1}, {"payload": {"kind": "large"}, "weight": 3}]""", TestContext.Current.CancellationToken);
        try
        {
            var run = await PowerTuneAsync(fixture.Clients.Environment, "--function-name", function, "--power-values", "128", "--num", "4", "--payload", $"file://{payload}", "--parallel");

            Assert.True(run.ExitCode == 0, run.StandardError);
            Assert.Contains("4 invocations in parallel", run.StandardError, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(payload);
        }

        var logged = await fixture.Clients.CliJsonAsync("logs", "filter-log-events", "--log-group-name", $"/aws/lambda/{function}", "--filter-pattern", "KIND");
        var kinds = logged["events"]!.AsArray().Select(e => ((string)e!["message"]!).Trim()).GroupBy(m => m).ToDictionary(g => g.Key, g => g.Count());
        Assert.Equal(new Dictionary<string, int> { ["KIND=small"] = 1, ["KIND=large"] = 3 }, kinds);
    }

    [Fact]
    public async Task PowerTune_FunctionFails_SaysSoAndLeavesTheFunctionAsItWas()
    {
        var function = await CreateAsync("failing", "def handler(event, context):\n    raise ValueError('no tuning today')\n");

        var run = await PowerTuneAsync(fixture.Clients.Environment, "--function-name", function, "--power-values", "128,512", "--num", "2");

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("nimbus power-tune: the function failed at 128 MB (Unhandled)", run.StandardError, StringComparison.Ordinal);
        Assert.Contains("no tuning today", run.StandardError, StringComparison.Ordinal);
        Assert.Equal("", run.StandardOutput);
        await AssertLeftAsItWasAsync(function, 256, []);
    }

    [Fact]
    public async Task PowerTune_SharedCredentialsProfile_SignsWithIt()
    {
        var function = await CreateAsync("profiled", "def handler(event, context):\n    return 1\n");
        var credentials = Path.Combine(Path.GetTempPath(), $"nimbus-test-credentials-{Guid.NewGuid():N}");
        await File.WriteAllTextAsync(
            credentials,
            $"[default]\naws_access_key_id = AKIAWRONGWRONGWRONG0\naws_secret_access_key = wrong\n\n[tuner]\naws_access_key_id = {AwsClients.AccessKeyId}\naws_secret_access_key = {AwsClients.SecretAccessKey}\n",
            TestContext.Current.CancellationToken);
        try
        {
            var environment = new Dictionary<string, string>(fixture.Clients.Environment) { ["AWS_SHARED_CREDENTIALS_FILE"] = credentials, ["AWS_ACCESS_KEY_ID"] = "", ["AWS_SECRET_ACCESS_KEY"] = "" };

            var tuned = await PowerTuneAsync(environment, "--function-name", function, "--power-values", "128", "--num", "1", "--profile", "tuner");
            var refused = await PowerTuneAsync(environment, "--function-name", function, "--power-values", "128", "--num", "1");

            Assert.True(tuned.ExitCode == 0, tuned.StandardError);
            Assert.Equal(128, (int)JsonNode.Parse(tuned.StandardOutput)!["power"]!);
            Assert.Equal(1, refused.ExitCode);
            Assert.Contains("GetFunctionConfiguration failed: 403 UnrecognizedClientException", refused.StandardError, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(credentials);
        }
    }

    [Fact]
    public async Task PowerTune_OnlyColdStarts_EveryInvocationStartsAnEnvironmentAndTheVariablesComeBack()
    {
        // A count per process: 1 in every log line when every invocation had an environment of its own.
        var function = await CreateAsync(
            "cold",
            "import os\ncount = 0\n\ndef handler(event, context):\n    global count\n    count += 1\n    print(f'COLD={count} MINE={os.environ.get(\"MINE\")}')\n    return 1\n",
            """{"Variables": {"MINE": "kept", "ODD": "a\"b\\c<é>{}"}}""");

        var run = await PowerTuneAsync(fixture.Clients.Environment, "--function-name", function, "--power-values", "128,256", "--num", "3", "--only-cold-starts", "--sleep-between-runs-ms", "10");

        Assert.True(run.ExitCode == 0, run.StandardError);
        Assert.Contains("3 invocations, each a cold start", run.StandardError, StringComparison.Ordinal);
        var logged = await fixture.Clients.CliJsonAsync("logs", "filter-log-events", "--log-group-name", $"/aws/lambda/{function}", "--filter-pattern", "COLD");
        var lines = logged["events"]!.AsArray().Select(e => ((string)e!["message"]!).Trim()).GroupBy(m => m).ToDictionary(g => g.Key, g => g.Count());
        Assert.Equal(new Dictionary<string, int> { ["COLD=1 MINE=kept"] = 6 }, lines);
        var stats = JsonNode.Parse(run.StandardOutput)!["stats"]!.AsArray();
        Assert.Equal([128, 256], stats.Select(s => (int)s!["value"]!));
        var variables = (await fixture.Clients.CliJsonAsync("lambda", "get-function-configuration", "--function-name", function))["Environment"]!["Variables"]!.AsObject();
        Assert.Equal(["MINE=kept", "ODD=a\"b\\c<é>{}"], variables.Select(v => $"{v.Key}={(string?)v.Value}"));
        await AssertLeftAsItWasAsync(function, 256, []);
    }

    [Fact]
    public async Task PowerTune_Processors_MakeEachEventAndSeeEachOutput()
    {
        var pre = await CreateAsync("pre", "def handler(event, context):\n    return {'kind': 'from-pre', 'given': event['kind']}\n");
        var post = await CreateAsync("post", "import json\n\ndef handler(event, context):\n    print('POST=' + json.dumps(event, sort_keys=True))\n    return None\n");
        var function = await CreateAsync("processed", "def handler(event, context):\n    print(f'KIND={event[\"kind\"]} GIVEN={event[\"given\"]}')\n    return {'done': event['kind']}\n");

        var run = await PowerTuneAsync(fixture.Clients.Environment, "--function-name", function, "--power-values", "128", "--num", "2", "--payload", """{"kind": "original"}""", "--pre-processor", pre, "--post-processor", post);

        Assert.True(run.ExitCode == 0, run.StandardError);
        var kinds = await fixture.Clients.CliJsonAsync("logs", "filter-log-events", "--log-group-name", $"/aws/lambda/{function}", "--filter-pattern", "KIND");
        Assert.Equal(["KIND=from-pre GIVEN=original", "KIND=from-pre GIVEN=original"], kinds["events"]!.AsArray().Select(e => ((string)e!["message"]!).Trim()));
        var outputs = await fixture.Clients.CliJsonAsync("logs", "filter-log-events", "--log-group-name", $"/aws/lambda/{post}", "--filter-pattern", "POST");
        Assert.Equal(["""POST={"done": "from-pre"}""", """POST={"done": "from-pre"}"""], outputs["events"]!.AsArray().Select(e => ((string)e!["message"]!).Trim()));
        await AssertLeftAsItWasAsync(function, 256, []);
    }

    [Fact]
    public async Task PowerTune_AutoOptimizeAlias_LeavesTheBestSizeAndPointsTheAliasAtIt()
    {
        var function = await CreateAsync("optimized", "def handler(event, context):\n    return sum(range(20000))\n");
        var userVersion = (string)(await fixture.Clients.CliJsonAsync("lambda", "publish-version", "--function-name", function))["Version"]!;
        await fixture.Clients.CliJsonAsync("lambda", "create-alias", "--function-name", function, "--name", "tuned", "--function-version", userVersion);

        var run = await PowerTuneAsync(fixture.Clients.Environment, "--function-name", function, "--power-values", "128,512", "--num", "2", "--auto-optimize", "--auto-optimize-alias", "tuned");

        Assert.True(run.ExitCode == 0, run.StandardError);
        var power = (int)JsonNode.Parse(run.StandardOutput)!["power"]!;
        var alias = await fixture.Clients.CliJsonAsync("lambda", "get-alias", "--function-name", function, "--name", "tuned");
        var version = (string)alias["FunctionVersion"]!;
        var published = await fixture.Clients.CliJsonAsync("lambda", "get-function-configuration", "--function-name", function, "--qualifier", "tuned");
        Assert.Equal(power, (int)published["MemorySize"]!);
        Assert.Equal($"nimbus power-tune optimum: {power} MB", (string?)published["Description"]);
        Assert.Contains($"$LATEST set to {power} MB; alias tuned points at version {version}", run.StandardError, StringComparison.Ordinal);
        Assert.NotEqual(userVersion, version);
        await AssertLeftAsItWasAsync(function, power, [userVersion, version]);
    }

    [Fact]
    public async Task PowerTune_AutoOptimize_LeavesLatestAtTheBestSize()
    {
        var function = await CreateAsync("best", "def handler(event, context):\n    return 1\n");

        var run = await PowerTuneAsync(fixture.Clients.Environment, "--function-name", function, "--power-values", "1024,128", "--num", "1", "--strategy", "cost", "--auto-optimize");

        Assert.True(run.ExitCode == 0, run.StandardError);
        var power = (int)JsonNode.Parse(run.StandardOutput)!["power"]!;
        Assert.Contains($"$LATEST set to {power} MB", run.StandardError, StringComparison.Ordinal);
        await AssertLeftAsItWasAsync(function, power, []);
    }

    [Fact]
    public async Task PowerTune_FunctionFailsWithAPostProcessor_TheProcessorSeesTheErrorAndTheTuningStops()
    {
        var post = await CreateAsync("seen", "import json\n\ndef handler(event, context):\n    print('SEEN=' + event['errorMessage'])\n    return None\n");
        var function = await CreateAsync("failing2", "def handler(event, context):\n    raise ValueError('broken here')\n");

        var run = await PowerTuneAsync(fixture.Clients.Environment, "--function-name", function, "--power-values", "128,512", "--num", "3", "--post-processor", post);

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("the function failed at 128 MB (Unhandled)", run.StandardError, StringComparison.Ordinal);
        var seen = await fixture.Clients.CliJsonAsync("logs", "filter-log-events", "--log-group-name", $"/aws/lambda/{post}", "--filter-pattern", "SEEN");
        Assert.Equal(["SEEN=broken here"], seen["events"]!.AsArray().Select(e => ((string)e!["message"]!).Trim()));
        await AssertLeftAsItWasAsync(function, 256, []);
    }

    [Fact]
    public async Task PowerTune_BadInput_SaysEveryMistakeAndChangesNothing()
    {
        var function = await CreateAsync("untouched", "def handler(event, context):\n    return 1\n");

        var bad = await PowerTuneAsync(
            fixture.Clients.Environment,
            "--function-name", function, "--power-values", "64,abc,512", "--num", "0", "--strategy", "1", "--payload", "{not json", "--balanced-weight", "2", "--discard-top-bottom", "0.5", "--base-cost", "Infinity");
        var tooFew = await PowerTuneAsync(fixture.Clients.Environment, "--function-name", function, "--num", "1", "--payload", """[{"payload": 1, "weight": 1}, {"payload": 2, "weight": 1}]""");
        var noFile = await PowerTuneAsync(fixture.Clients.Environment, "--function-name", function, "--payload", "file:///nonexistent/event.json");
        var qualified = await PowerTuneAsync(fixture.Clients.Environment, "--function-name", $"arn:aws:lambda:us-east-1:000000000000:function:{function}:1");
        var missing = await PowerTuneAsync(fixture.Clients.Environment, "--function-name", "no-such-function-for-tuning", "--power-values", "128");
        var extras = await PowerTuneAsync(
            fixture.Clients.Environment,
            "--function-name", function, "--sleep-between-runs-ms", "-1", "--pre-processor", "", "--auto-optimize-alias", "tuned");
        var aliasName = await PowerTuneAsync(fixture.Clients.Environment, "--function-name", function, "--auto-optimize", "--auto-optimize-alias", "123");
        var sleepParallel = await PowerTuneAsync(fixture.Clients.Environment, "--function-name", function, "--parallel", "--sleep-between-runs-ms", "5");
        var noProcessor = await PowerTuneAsync(fixture.Clients.Environment, "--function-name", function, "--power-values", "512", "--pre-processor", "no-such-processor-for-tuning");

        Assert.Equal(2, bad.ExitCode);
        foreach (var expected in (string[])[
            "--power-values: 64 is not a memory size between 128 and 10240 MB",
            "--power-values: abc is not a memory size between 128 and 10240 MB",
            "--num must be between 1 and 1000",
            "--strategy must be cost, speed or balanced",
            "--balanced-weight must be between 0 and 1",
            "--payload is not JSON",
            "--discard-top-bottom must be between 0 and 0.4",
            "--base-cost must be a number above 0",
        ])
        {
            Assert.Contains("nimbus power-tune: " + expected, bad.StandardError, StringComparison.Ordinal);
        }

        Assert.Equal(2, tooFew.ExitCode);
        Assert.Contains("nimbus power-tune: --payload: the payload lists 2 weighted events and --num is 1: raise --num to at least 2", tooFew.StandardError, StringComparison.Ordinal);
        Assert.Equal(2, noFile.ExitCode);
        Assert.Contains("nimbus power-tune: --payload file:///nonexistent/event.json: Could not find a part of the path", noFile.StandardError, StringComparison.Ordinal);
        Assert.Equal(2, qualified.ExitCode);
        Assert.Contains("nimbus power-tune: --function-name must name the function without a version or alias", qualified.StandardError, StringComparison.Ordinal);
        Assert.Equal(2, extras.ExitCode);
        foreach (var expected in (string[])["--sleep-between-runs-ms must be between 0 and 3600000", "--pre-processor must not be empty", "--auto-optimize-alias needs --auto-optimize"])
        {
            Assert.Contains("nimbus power-tune: " + expected, extras.StandardError, StringComparison.Ordinal);
        }

        Assert.Equal(2, sleepParallel.ExitCode);
        Assert.Contains("nimbus power-tune: --sleep-between-runs-ms pauses between invocations in series: not with --parallel", sleepParallel.StandardError, StringComparison.Ordinal);
        Assert.Equal(1, noProcessor.ExitCode);
        Assert.Contains("GetFunctionConfiguration failed: 404 ResourceNotFoundException: Function not found: arn:aws:lambda:us-east-1:000000000000:function:no-such-processor-for-tuning", noProcessor.StandardError, StringComparison.Ordinal);
        Assert.Equal(2, aliasName.ExitCode);
        Assert.Contains("nimbus power-tune: --auto-optimize-alias 123 is not an alias name", aliasName.StandardError, StringComparison.Ordinal);
        Assert.Equal(1, missing.ExitCode);
        Assert.Contains("GetFunctionConfiguration failed: 404 ResourceNotFoundException: Function not found: arn:aws:lambda:us-east-1:000000000000:function:no-such-function-for-tuning", missing.StandardError, StringComparison.Ordinal);
        await AssertLeftAsItWasAsync(function, 256, []);
    }

    private async Task<string> CreateAsync(string prefix, string code, string? environment = null)
    {
        var function = $"{prefix}-{Guid.NewGuid():N}"[..24];
        var zip = ZipBuilder.WriteTemp(ZipBuilder.Create(("app.py", code)));
        try
        {
            string[] arguments =
            [
                "lambda", "create-function", "--function-name", function, "--runtime", "python3.12", "--handler", "app.handler",
                "--role", Role, "--zip-file", $"fileb://{zip}", "--memory-size", "256",
            ];
            await fixture.Clients.CliJsonAsync(environment is null ? arguments : [.. arguments, "--environment", environment]);
        }
        finally
        {
            File.Delete(zip);
        }

        await fixture.Clients.CliAsync("lambda", "wait", "function-active-v2", "--function-name", function);
        return function;
    }

    private Task<ProcessResult> PowerTuneAsync(IReadOnlyDictionary<string, string> environment, params string[] arguments) =>
        ChildProcess.RunAsync(
            NimbusServer.Executable(),
            ["power-tune", "--endpoint-url", fixture.Server.Endpoint.ToString().TrimEnd('/'), .. arguments],
            environment,
            timeout: TimeSpan.FromMinutes(5),
            cancellationToken: TestContext.Current.CancellationToken);

    private async Task AssertLeftAsItWasAsync(string function, int memorySize, string[] versions)
    {
        var configuration = await fixture.Clients.CliJsonAsync("lambda", "get-function-configuration", "--function-name", function);
        Assert.Equal(memorySize, (int)configuration["MemorySize"]!);
        var listed = await fixture.Clients.CliJsonAsync("lambda", "list-versions-by-function", "--function-name", function);
        Assert.Equal(["$LATEST", .. versions], listed["Versions"]!.AsArray().Select(v => (string)v!["Version"]!));
    }
}
