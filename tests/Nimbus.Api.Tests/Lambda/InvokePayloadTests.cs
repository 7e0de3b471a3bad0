// SPDX-License-Identifier: Apache-2.0
using System.Buffers;
using Microsoft.AspNetCore.Http;
using Nimbus.Api.Lambda;
using Nimbus.Core.Errors;

namespace Nimbus.Api.Tests.Lambda;

public sealed class InvokePayloadTests
{
    private const int SixMegabytes = 6 * 1024 * 1024;

    private static DefaultHttpContext Request(int length, bool declareLength)
    {
        var context = new DefaultHttpContext();
        context.Request.Body = new MemoryStream(new byte[length]);
        if (declareLength)
        {
            context.Request.ContentLength = length;
        }

        return context;
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task ReadAsync_OverSixMegabytes_RequestEntityTooLarge(bool declareLength)
    {
        var context = Request(SixMegabytes + 1, declareLength);

        var error = await Assert.ThrowsAsync<LambdaException>(() => InvokePayload.ReadAsync(
            context.Request, InvokeEndpoints.MaxSyncPayload, "InvokeFunction", TestContext.Current.CancellationToken));

        Assert.Equal("RequestEntityTooLargeException", error.ErrorType);
        Assert.Equal(413, error.StatusCode);
        Assert.Equal("Request must be smaller than 6291456 bytes for the InvokeFunction operation", error.Message);
    }

    [Fact]
    public async Task ReadAsync_EventOverOneMegabyte_RequestEntityTooLarge()
    {
        var context = Request((1024 * 1024) + 1, declareLength: true);

        var error = await Assert.ThrowsAsync<LambdaException>(() => InvokePayload.ReadAsync(
            context.Request, InvokeEndpoints.MaxAsyncPayload, "InvokeAsync", TestContext.Current.CancellationToken));

        Assert.Equal("RequestEntityTooLargeException", error.ErrorType);
        Assert.Equal("Request must be smaller than 1048576 bytes for the InvokeAsync operation", error.Message);
    }

    [Fact]
    public async Task ReadAsync_ExactlySixMegabytes_ReadsAll()
    {
        var context = Request(SixMegabytes, declareLength: false);

        var (buffer, length) = await InvokePayload.ReadAsync(
            context.Request, InvokeEndpoints.MaxSyncPayload, "InvokeFunction", TestContext.Current.CancellationToken);
        ArrayPool<byte>.Shared.Return(buffer);

        Assert.Equal(SixMegabytes, length);
    }
}
