// SPDX-License-Identifier: Apache-2.0
using System.Text;
using System.Text.Json;
using Nimbus.Events.Async;
using Nimbus.Execution.Invocation;

namespace Nimbus.Events.Tests.Async;

public sealed class InvocationRecordTests
{
    private static readonly DateTimeOffset At = new(2019, 11, 14, 18, 16, 5, 568, TimeSpan.Zero);

    [Fact]
    public void Build_FailedInvocation_HasAwsShape()
    {
        var result = new InvocationResult
        {
            Payload = Encoding.UTF8.GetBytes("""{"errorMessage":"boom","errorType":"ValueError"}"""),
            FunctionError = "Unhandled",
            ExecutedVersion = "$LATEST",
            LogLines = [],
        };

        using var record = JsonDocument.Parse(InvocationRecord.Build(
            "req-1", "arn:aws:lambda:us-east-1:000000000000:function:f:$LATEST", InvocationRecord.RetriesExhausted, 3, """{"order":7}"""u8.ToArray(), result, At));
        var root = record.RootElement;

        Assert.Equal("1.0", root.GetProperty("version").GetString());
        Assert.Equal("2019-11-14T18:16:05.568Z", root.GetProperty("timestamp").GetString());
        Assert.Equal("RetriesExhausted", root.GetProperty("requestContext").GetProperty("condition").GetString());
        Assert.Equal(3, root.GetProperty("requestContext").GetProperty("approximateInvokeCount").GetInt32());
        Assert.Equal(7, root.GetProperty("requestPayload").GetProperty("order").GetInt32());
        Assert.Equal("Unhandled", root.GetProperty("responseContext").GetProperty("functionError").GetString());
        Assert.Equal(200, root.GetProperty("responseContext").GetProperty("statusCode").GetInt32());
        Assert.Equal("boom", root.GetProperty("responsePayload").GetProperty("errorMessage").GetString());
    }

    [Fact]
    public void Build_NeverRan_HasNoResponseAndKeepsTextPayloadAsString()
    {
        using var record = JsonDocument.Parse(InvocationRecord.Build(
            "req-2", "arn:aws:lambda:us-east-1:000000000000:function:f:$LATEST", InvocationRecord.EventAgeExceeded, 0, "not json"u8.ToArray(), null, At));

        Assert.False(record.RootElement.TryGetProperty("responseContext", out _));
        Assert.Equal("not json", record.RootElement.GetProperty("requestPayload").GetString());
    }
}
