// SPDX-License-Identifier: Apache-2.0
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Nimbus.TestKit;

namespace Nimbus.EndToEnd.Tests;

/// <summary>
/// A second <c>nimbus server</c> on a data directory in use, or on a port in use, refuses to start with one line
/// and exit status 2, and touches nothing: the first server's warm environments keep working.
/// </summary>
public sealed class DataDirectoryLockTests
{
    private const string WarmCode = "import uuid\nENV = uuid.uuid4().hex\n\ndef handler(event, context):\n    return ENV\n";

    [Fact]
    public async Task SecondServerOnTheSameDataDirectory_ExitsTwoNamingTheHolder_FirstKeepsItsWarmEnvironment()
    {
        await using var first = await NimbusServer.StartAsync(TestEnvironment.Server, TestContext.Current.CancellationToken);
        var clients = new AwsClients(first);
        await CreateFunctionAsync(clients, "warm");
        var before = await InvokeAsync(clients, "warm");

        var second = await RunServerAsync(first.DataDir, port: 0);

        Assert.True(second.ExitCode == 2, $"second server: {second}");
        var line = Assert.Single(Lines(second.StandardError));
        Assert.Contains($"(pid {first.ProcessId})", line, StringComparison.Ordinal);
        Assert.Contains(first.DataDir, line, StringComparison.Ordinal);
        Assert.Equal(first.ProcessId.ToString(CultureInfo.InvariantCulture), await ReadLockFileAsync(first.DataDir));

        // The same environment (its module-level id) answers: nothing of the first server was swept.
        Assert.Equal(before, await InvokeAsync(clients, "warm"));
    }

    [Fact]
    public async Task PortInUse_ExitsTwoWithOneLine_SweepsNothing()
    {
        using var taken = new TcpListener(IPAddress.Loopback, 0);
        taken.Start();
        var port = ((IPEndPoint)taken.LocalEndpoint).Port;
        var dataDir = Directory.CreateTempSubdirectory("nimbus-e2e-port-").FullName;
        try
        {
            // What a killed previous run of this data directory would have left: an environment's directory.
            var leftover = Path.Combine(dataDir, "run", "env", "0123456789abcdef0123456789abcdef");
            Directory.CreateDirectory(leftover);

            var result = await RunServerAsync(dataDir, port);

            Assert.True(result.ExitCode == 2, $"server on a taken port: {result}");
            var line = Assert.Single(Lines(result.StandardError));
            Assert.Equal($"nimbus: cannot listen on 127.0.0.1:{port}: the address is already in use", line);
            Assert.DoesNotContain("Exception", result.StandardOutput + result.StandardError, StringComparison.Ordinal);
            Assert.True(Directory.Exists(leftover), "the sweep ran although the server could not listen");
        }
        finally
        {
            Directory.Delete(dataDir, recursive: true);
        }
    }

    [Fact]
    public async Task AfterTheHolderIsKilled_TheDataDirectoryStartsAgain()
    {
        await using var server = await NimbusServer.StartAsync(TestEnvironment.Server, TestContext.Current.CancellationToken);

        await server.KillAsync();
        await server.RestartAsync(TestContext.Current.CancellationToken);

        Assert.Equal(server.ProcessId.ToString(CultureInfo.InvariantCulture), await ReadLockFileAsync(server.DataDir));
    }

    /// <summary>
    /// The lock file as an operator reads it (cat). .NET's File.ReadAllText would fail: it takes a shared flock
    /// to read, which the server's exclusive one refuses.
    /// </summary>
    private static async Task<string> ReadLockFileAsync(string dataDir)
    {
        var cat = await ChildProcess.RunAsync("/bin/cat", [Path.Combine(dataDir, "nimbus.lock")], cancellationToken: TestContext.Current.CancellationToken);
        Assert.True(cat.ExitCode == 0, cat.ToString());
        return cat.StandardOutput.Trim();
    }

    private static string[] Lines(string text) => text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    private static Task<ProcessResult> RunServerAsync(string dataDir, int port) => ChildProcess.RunAsync(
        NimbusServer.Executable(),
        ["server", "--port", port.ToString(CultureInfo.InvariantCulture), "--host", "127.0.0.1", "--data-dir", dataDir],
        TestEnvironment.Server,
        timeout: TimeSpan.FromSeconds(60),
        cancellationToken: TestContext.Current.CancellationToken);

    private static async Task CreateFunctionAsync(AwsClients clients, string name)
    {
        var zipPath = ZipBuilder.WriteTemp(ZipBuilder.Create(("app.py", WarmCode)));
        try
        {
            await clients.CliJsonAsync(
                "lambda", "create-function", "--function-name", name, "--runtime", "python3.11", "--handler", "app.handler",
                "--role", "arn:aws:iam::000000000000:role/r", "--zip-file", $"fileb://{zipPath}");
            await clients.CliJsonAsync("lambda", "wait", "function-active-v2", "--function-name", name);
        }
        finally
        {
            File.Delete(zipPath);
        }
    }

    private static async Task<string> InvokeAsync(AwsClients clients, string name)
    {
        var output = Path.GetTempFileName();
        try
        {
            var response = await clients.CliJsonAsync("lambda", "invoke", "--function-name", name, output);
            Assert.Null(response["FunctionError"]);
            return await File.ReadAllTextAsync(output, TestContext.Current.CancellationToken);
        }
        finally
        {
            File.Delete(output);
        }
    }
}
