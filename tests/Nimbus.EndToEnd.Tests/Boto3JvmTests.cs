// SPDX-License-Identifier: Apache-2.0
namespace Nimbus.EndToEnd.Tests;

/// <summary>
/// java17 (echo of a POJO, a stream handler, the context and environment, JVM flags and JAVA_TOOL_OPTIONS, errors,
/// a timeout, init failures, a class in lib/*.jar, a layer's /opt/java/lib), nodejs22.x and nodejs24.x fetched from
/// the npm registry, a runtime this host cannot provide refused, and runtime management, under the default sandbox.
/// </summary>
public sealed class Boto3JvmTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    [Theory]
    [MemberData(nameof(JvmCases.All), MemberType = typeof(JvmCases))]
    public async Task Case_Passes(string name)
    {
        var result = await fixture.Clients.Boto3Async("jvm.py", name);

        Assert.True(result.ExitCode == 0, $"case {name} failed: {result}\n--- server\n{fixture.Server.Output}");
        Assert.EndsWith("ok", result.StandardOutput.TrimEnd(), StringComparison.Ordinal);
    }
}
