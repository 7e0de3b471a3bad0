// SPDX-License-Identifier: Apache-2.0
using Nimbus.TestKit;

namespace Nimbus.EndToEnd.Tests;

/// <summary>
/// Operator mistakes in the config file, NIMBUS_* variables and the command line: the real executable exits with
/// status 2 and prints one line per mistake that names the setting, the value and what is allowed, never a .NET
/// type name or a stack trace (docs/configuration.md).
/// </summary>
public sealed class ConfigurationErrorTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("nimbus-config-");

    public void Dispose() => _dir.Delete(recursive: true);

    [Fact]
    public async Task MalformedJson_ExitsTwoNamingTheFileAndLine()
    {
        var file = WriteConfig("{\n  \"Port\": 9000\n  \"Host\": \"127.0.0.1\"\n}");

        var line = await SingleErrorLineAsync(["server", "--config", file]);

        Assert.Contains(file, line, StringComparison.Ordinal);
        Assert.Contains("not valid JSON", line, StringComparison.Ordinal);
        Assert.Contains("line 3", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task JsonThatIsNotAnObject_ExitsTwo()
    {
        var file = WriteConfig("[1, 2]");

        var line = await SingleErrorLineAsync(["server", "--config", file]);

        Assert.Contains(file, line, StringComparison.Ordinal);
        Assert.Contains("must be a JSON object", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PortNotANumberInTheFile_NamesSettingValueAndRange()
    {
        var file = WriteConfig("{\"Port\":\"nine\"}");

        var line = await SingleErrorLineAsync(["server", "--config", file]);

        Assert.Equal($"nimbus: invalid configuration: Port must be a whole number from 0 to 65535 (got 'nine' from {file}).", line);
    }

    [Fact]
    public async Task SettingGivenAnObject_NamesTheSetting()
    {
        var file = WriteConfig("{\"IdleTimeoutSeconds\": {\"Value\": 5}}");

        var line = await SingleErrorLineAsync(["server", "--config", file]);

        Assert.Equal($"nimbus: invalid configuration: IdleTimeoutSeconds must be a whole number of at least 1, not a JSON object (in {file}).", line);
    }

    [Fact]
    public async Task UnknownKeyCloseToASetting_SuggestsIt()
    {
        var file = WriteConfig("{\"Prot\": 9001}");

        var line = await SingleErrorLineAsync(["server", "--config", file]);

        Assert.Equal($"nimbus: invalid configuration: 'Prot' is not a setting (in {file}); did you mean 'Port'?", line);
    }

    [Fact]
    public async Task UnknownKeyFarFromEverySetting_ListsTheSettings()
    {
        var file = WriteConfig("{\"Colour\": \"blue\"}");

        var line = await SingleErrorLineAsync(["server", "--config", file]);

        Assert.StartsWith($"nimbus: invalid configuration: 'Colour' is not a setting (in {file}); the settings are Host, Port, DataDir,", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SeveralMistakes_AllReportedAtOnce()
    {
        var file = WriteConfig("{\"Port\": 70000, \"Sandbox\": \"docker\", \"OutboundNetwork\": \"yes\"}");

        var result = await RunAsync(["server", "--config", file]);

        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Equal(
            [
                $"nimbus: invalid configuration: Port must be a whole number from 0 to 65535 (got '70000' from {file}).",
                $"nimbus: invalid configuration: Sandbox must be 'auto', 'runc', 'bwrap' or 'process' (got 'docker' from {file}).",
                $"nimbus: invalid configuration: OutboundNetwork must be true or false (got 'yes' from {file}).",
            ],
            Lines(result.StandardError));
    }

    [Fact]
    public async Task HostThatIsNoAddress_NamesTheSetting()
    {
        var line = await SingleErrorLineAsync(["server", "--host", "my-laptop"]);

        Assert.Equal("nimbus: invalid configuration: Host must be an IP address, 'localhost' or '0.0.0.0' (got 'my-laptop' from --host).", line);
    }

    [Fact]
    public async Task PortOptionNotANumber_NamesOptionValueAndRange()
    {
        var line = await SingleErrorLineAsync(["server", "--port", "abc"]);

        Assert.Equal("nimbus: invalid configuration: Port must be a whole number from 0 to 65535 (got 'abc' from --port).", line);
    }

    [Fact]
    public async Task EnvironmentVariableNotANumber_NamesTheVariable()
    {
        var line = await SingleErrorLineAsync(["server"], new Dictionary<string, string> { ["NIMBUS_CONCURRENT_EXECUTIONS"] = "lots" });

        Assert.Equal("nimbus: invalid configuration: ConcurrentExecutions must be a whole number of at least 1 (got 'lots' from NIMBUS_CONCURRENT_EXECUTIONS).", line);
    }

    [Fact]
    public async Task EnvironmentVariableCloseToASetting_SuggestsIt()
    {
        var line = await SingleErrorLineAsync(["server"], new Dictionary<string, string> { ["NIMBUS_PROT"] = "9001" });

        Assert.Equal("nimbus: invalid configuration: NIMBUS_PROT is not a setting; did you mean NIMBUS_PORT?", line);
    }

    [Fact]
    public async Task UnknownOption_ExitsTwoWithOneLineAndNoBlankLine()
    {
        var line = await SingleErrorLineAsync(["server", "--bogus"]);

        Assert.Equal("nimbus: unrecognized command or argument '--bogus'; nimbus server takes --port, --host, --data-dir, --config, --help.", line);
    }

    [Fact]
    public async Task OptionWithoutValue_ExitsTwo()
    {
        var line = await SingleErrorLineAsync(["server", "--port"]);

        Assert.Equal("nimbus: required argument missing for option: '--port'; nimbus server takes --port, --host, --data-dir, --config, --help.", line);
    }

    [Fact]
    public async Task NoCommand_ExitsTwoNamingTheCommands()
    {
        var line = await SingleErrorLineAsync([]);

        Assert.Equal("nimbus: required command was not provided; nimbus takes server, account, audit, power-tune, --help, --version.", line);
    }

    [Fact]
    public async Task MissingConfigFile_ExitsTwo()
    {
        var missing = Path.Combine(_dir.FullName, "absent.json");

        var line = await SingleErrorLineAsync(["server", "--config", missing]);

        Assert.Equal($"nimbus: invalid configuration: the config file '{missing}' does not exist.", line);
    }

    private static string[] Lines(string text) => text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    private string WriteConfig(string json)
    {
        var path = Path.Combine(_dir.FullName, "nimbus.json");
        File.WriteAllText(path, json);
        return path;
    }

    private async Task<string> SingleErrorLineAsync(string[] arguments, IReadOnlyDictionary<string, string>? environment = null)
    {
        var result = await RunAsync(arguments, environment);
        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Equal("", result.StandardOutput);
        Assert.DoesNotContain("System.", result.StandardError, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", result.StandardError, StringComparison.Ordinal);
        Assert.False(result.StandardError.StartsWith('\n'), result.ToString());
        return Assert.Single(Lines(result.StandardError));
    }

    private async Task<ProcessResult> RunAsync(string[] arguments, IReadOnlyDictionary<string, string>? environment = null)
    {
        // Its own data directory, so a mistake that slipped through would not touch anything shared; a server that
        // started anyway runs into the time limit and fails the test.
        string[] full = arguments is ["server", .. var rest] ? ["server", "--data-dir", Path.Combine(_dir.FullName, "data"), .. rest] : arguments;
        return await ChildProcess.RunAsync(
            NimbusServer.Executable(),
            full,
            environment,
            timeout: TimeSpan.FromSeconds(60),
            cancellationToken: TestContext.Current.CancellationToken);
    }
}
