// SPDX-License-Identifier: Apache-2.0
namespace Nimbus.EndToEnd.Tests;

/// <summary>
/// Trace propagation, TracingConfig and OTLP export with boto3 (Scripts/tracing.py), and the audit trail's data events,
/// against a server exporting to an OTLP/HTTP receiver the test runs.
/// </summary>
public sealed class Boto3TracingTests(TracingServerFixture fixture) : IClassFixture<TracingServerFixture>
{
    [Theory]
    [InlineData("caller_trace_reaches_handler_async_target_and_mapping")]
    [InlineData("active_creates_a_sampled_root")]
    public async Task SampledTrace_ReachesItsFunctions_AndItsSpansArriveOverOtlp(string name)
    {
        var result = await fixture.Clients.Boto3Async("tracing.py", name);

        Assert.True(result.ExitCode == 0, $"boto3 case {name} failed: {result}\n--- server\n{fixture.Server.Output}");
        Assert.EndsWith("ok", result.StandardOutput.TrimEnd(), StringComparison.Ordinal);
        var root = result.StandardOutput.Split('\n').Single(l => l.StartsWith("root ", StringComparison.Ordinal))[5..].Trim();
        var traceId = Convert.FromHexString(root);
        Assert.True(
            await fixture.Receiver.WaitForAsync(traceId, TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken),
            $"no span of trace {root} reached the OTLP receiver\n--- server\n{fixture.Server.Output}");
    }

    [Theory]
    [InlineData("traceparent_is_accepted")]
    [InlineData("invoke_is_a_data_event_when_asked")]
    public async Task Case_Passes(string name)
    {
        var result = await fixture.Clients.Boto3Async("tracing.py", name);

        Assert.True(result.ExitCode == 0, $"boto3 case {name} failed: {result}\n--- server\n{fixture.Server.Output}");
        Assert.EndsWith("ok", result.StandardOutput.TrimEnd(), StringComparison.Ordinal);
    }
}
