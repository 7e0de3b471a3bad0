// SPDX-License-Identifier: Apache-2.0
namespace Nimbus.EndToEnd.Tests;

/// <summary>
/// External extensions from a layer and the Telemetry API, driven by boto3 (Scripts/extensions.py), in the default
/// sandbox (runc where it can run).
/// </summary>
public sealed class Boto3ExtensionTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Case_Passes(string name)
    {
        var result = await fixture.Clients.Boto3Async("extensions.py", name);

        Assert.True(result.ExitCode == 0, $"extension case {name} failed: {result}\n--- server\n{fixture.Server.Output}");
        Assert.EndsWith("ok", result.StandardOutput.TrimEnd(), StringComparison.Ordinal);
    }

    /// <summary>The cases every sandbox runs.</summary>
    public static TheoryData<string> Cases { get; } =
    [
        "lifecycle_and_telemetry",
        "crash_mid_invoke",
        "timeout_reset",
        "eleven_extensions",
        "no_register",
        "init_error",
        "slow_shutdown",
        "telemetry_ten_thousand_lines",
    ];
}
