// SPDX-License-Identifier: Apache-2.0
using System.Text;
using Nimbus.Init.RuntimeApi;

namespace Nimbus.Init.Tests.RuntimeApi;

public sealed class ErrorPayloadTests
{
    [Theory]
    [InlineData("Runtime.ExitError", "Runtime.ExitError")]
    [InlineData("Function.ValueError", "Function.ValueError")]
    [InlineData("Function.valueError", "Function.Unknown")]
    [InlineData("Function.X", "Function.Unknown")]
    [InlineData("Function.Value1", "Function.Unknown")]
    [InlineData("Runtime.", "Runtime.Unknown")]
    [InlineData("ValueError", "Runtime.Unknown")]
    [InlineData("", "Runtime.Unknown")]
    public void NormalizeType_Value_FollowsTheEmulatorPattern(string value, string expected) =>
        Assert.Equal(expected, ErrorPayload.NormalizeType(value));

    [Fact]
    public void Read_NoHeaderNoBodyType_IsRuntimeUnknown()
    {
        var (type, body) = ErrorPayload.Read(null, null, Encoding.UTF8.GetBytes("""{"errorMessage":"m"}"""));

        Assert.Equal("Runtime.Unknown", type);
        Assert.Equal("""{"errorMessage":"m"}""", Encoding.UTF8.GetString(body));
    }

    [Fact]
    public void Read_EmptyBody_BuildsErrorFromHeader()
    {
        var (type, body) = ErrorPayload.Read("Runtime.Crash", null, []);

        Assert.Equal("Runtime.Crash", type);
        Assert.Equal("""{"errorMessage":"","errorType":"Runtime.Crash"}""", Encoding.UTF8.GetString(body));
    }

    [Fact]
    public void Read_TrailingGarbageAfterObject_IsWrapped()
    {
        var (_, body) = ErrorPayload.Read("Runtime.Crash", null, Encoding.UTF8.GetBytes("{} x"));

        Assert.Equal("""{"errorMessage":"{} x","errorType":"Runtime.Crash"}""", Encoding.UTF8.GetString(body));
    }
}
