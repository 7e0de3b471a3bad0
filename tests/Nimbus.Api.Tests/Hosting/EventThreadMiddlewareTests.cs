// SPDX-License-Identifier: Apache-2.0
using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Nimbus.Api.Hosting;
using Nimbus.TestKit;

namespace Nimbus.Api.Tests.Hosting;

public sealed class EventThreadMiddlewareTests
{
    [Theory]
    [InlineData("POST", "/2015-03-31/functions/f/invocations", null, true)]
    [InlineData("POST", "/2015-03-31/functions/arn:aws:lambda:us-east-1:123456789012:function:f/invocations", "RequestResponse", true)]
    [InlineData("POST", "/2015-03-31/functions/f/invocations", "DryRun", true)]
    [InlineData("POST", "/2015-03-31/functions/f/invocations", "Event", false)]
    [InlineData("POST", "/2015-03-31/functions/f/invocations", "event", false)]
    [InlineData("GET", "/2015-03-31/functions/f/invocations", null, false)]
    [InlineData("POST", "/2015-03-31/functions", null, false)]
    [InlineData("POST", "/2021-11-15/functions/f/response-streaming-invocations", null, false)]
    [InlineData("POST", "/2014-11-13/functions/f/invoke-async", null, false)]
    [InlineData("POST", "/", null, false)]
    public void StaysOnEventThread_OnlyASynchronousInvoke(string method, string path, string? invocationType, bool stays)
    {
        var context = new DefaultHttpContext();
        context.Request.Method = method;
        context.Request.Path = path;
        context.Request.ContentLength = 2;
        if (invocationType is not null)
        {
            context.Request.Headers["X-Amz-Invocation-Type"] = invocationType;
        }

        Assert.Equal(stays, EventThreadMiddleware.StaysOnEventThread(context.Request));
    }

    [Theory]
    [InlineData("X-Amz-Target", "Logs_20140328.DeleteLogGroup")]
    [InlineData("X-Amz-Target", "AmazonEC2ContainerRegistry_V20150921.CreateRepository")]
    [InlineData("Host", "000000000000.dkr.ecr.us-east-1.localhost:9000")]
    public void StaysOnEventThread_NotForAnotherApiOnAnInvokePath(string header, string value)
    {
        var context = new DefaultHttpContext();
        context.Request.Method = "POST";
        context.Request.Path = "/2015-03-31/functions/f/invocations";
        context.Request.ContentLength = 2;
        context.Request.Headers[header] = value;

        Assert.False(EventThreadMiddleware.StaysOnEventThread(context.Request));
    }

    [Theory]
    [InlineData("GET", "/", null, true)]
    [InlineData("POST", "/orders", 100L, true)]
    [InlineData("POST", "/orders", 256L * 1024 + 1, false)]
    [InlineData("POST", "/orders", null, false)]
    public void StaysOnEventThread_FunctionUrlByHost_WithASmallBody(string method, string path, long? length, bool stays)
    {
        var context = new DefaultHttpContext();
        context.Request.Method = method;
        context.Request.Path = path;
        context.Request.Host = new HostString("abcdefghijklmnopqrstuvwxyz012345.lambda-url.us-east-1.localhost:9000");
        context.Request.ContentLength = length;
        if (method == "GET")
        {
            context.Features.Set<IHttpRequestBodyDetectionFeature>(new NoBody());
        }

        Assert.Equal(stays, EventThreadMiddleware.StaysOnEventThread(context.Request));
    }

    [Fact]
    public void StaysOnEventThread_FunctionUrlWithATarget_Leaves()
    {
        var context = new DefaultHttpContext();
        context.Request.Method = "POST";
        context.Request.Path = "/_url/abcdefghijklmnopqrstuvwxyz012345/";
        context.Request.ContentLength = 2;
        context.Request.Headers["X-Amz-Target"] = "Logs_20140328.DeleteLogGroup";

        Assert.False(EventThreadMiddleware.StaysOnEventThread(context.Request));
    }

    [Theory]
    [InlineData(0L, true)]
    [InlineData(256L * 1024, true)]
    [InlineData(256L * 1024 + 1, false)]
    [InlineData(null, false)]
    public void StaysOnEventThread_OnlyWithAPayloadOfKnownSmallLength(long? length, bool stays)
    {
        var context = new DefaultHttpContext();
        context.Request.Method = "POST";
        context.Request.Path = "/2015-03-31/functions/f/invocations";
        context.Request.ContentLength = length;

        Assert.Equal(stays, EventThreadMiddleware.StaysOnEventThread(context.Request));
    }

    [Fact]
    public async Task InvokeAsync_OtherRequestOnAnEventThread_GoesOnOnThePool()
    {
        var context = Request("POST", "/2015-03-31/functions", "{}");
        var onPool = false;
        var middleware = new EventThreadMiddleware(_ =>
        {
            onPool = Thread.CurrentThread.IsThreadPoolThread;
            return Task.CompletedTask;
        });

        await OnOtherThread(() => middleware.InvokeAsync(context));

        Assert.True(onPool);
    }

    [Fact]
    public async Task InvokeAsync_SynchronousInvoke_StaysOnItsThread()
    {
        var context = Request("POST", "/2015-03-31/functions/f/invocations", "{}");
        int? ranOn = null;
        var middleware = new EventThreadMiddleware(_ =>
        {
            ranOn = Environment.CurrentManagedThreadId;
            return Task.CompletedTask;
        });

        var calledOn = await OtherThread.Runs(() =>
        {
            var thread = Environment.CurrentManagedThreadId;
            return middleware.InvokeAsync(context).ContinueWith(_ => thread, TaskScheduler.Default);
        });

        Assert.Equal(calledOn, ranOn);
    }

    [Fact]
    public async Task InvokeAsync_BodyPeekedWithTheReader_IsReadWholeAsAStream()
    {
        // The SigV4 check hashes the body through BodyReader without consuming it; the API then reads Body.
        var context = Request("POST", "/2015-03-31/functions", "{\"FunctionName\":\"f\"}");
        string? peeked = null;
        string? read = null;
        var middleware = new EventThreadMiddleware(async http =>
        {
            var reader = http.Request.BodyReader;
            var result = await reader.ReadAsync(TestContext.Current.CancellationToken);
            while (!result.IsCompleted)
            {
                reader.AdvanceTo(result.Buffer.Start, result.Buffer.End);
                result = await reader.ReadAsync(TestContext.Current.CancellationToken);
            }

            peeked = Encoding.UTF8.GetString(result.Buffer);
            reader.AdvanceTo(result.Buffer.Start);
            using var text = new StreamReader(http.Request.Body, leaveOpen: true);
            read = await text.ReadToEndAsync(TestContext.Current.CancellationToken);
        });

        await middleware.InvokeAsync(context);

        Assert.Equal("{\"FunctionName\":\"f\"}", peeked);
        Assert.Equal("{\"FunctionName\":\"f\"}", read);
    }

    [Fact]
    public async Task InvokeAsync_BodyReadThatWaits_GoesOnOnThePool()
    {
        var context = Request("POST", "/2015-03-31/functions", body: null);
        context.Request.Body = new LateStream("late"u8.ToArray());
        var afterStream = false;
        var afterReader = false;
        var middleware = new EventThreadMiddleware(async http =>
        {
            var buffer = new byte[2];
            _ = await http.Request.Body.ReadAsync(buffer, TestContext.Current.CancellationToken);
            afterStream = Thread.CurrentThread.IsThreadPoolThread;
            var result = await http.Request.BodyReader.ReadAsync(TestContext.Current.CancellationToken);
            afterReader = Thread.CurrentThread.IsThreadPoolThread;
            http.Request.BodyReader.AdvanceTo(result.Buffer.End);
        });

        await middleware.InvokeAsync(context);

        Assert.True(afterStream);
        Assert.True(afterReader);
    }

    [Fact]
    public async Task InvokeAsync_BodyReplacedLater_ReaderFollowsIt()
    {
        var context = Request("POST", "/2015-03-31/functions", "original");
        string? read = null;
        var middleware = new EventThreadMiddleware(async http =>
        {
            http.Request.Body = new MemoryStream("replaced"u8.ToArray());
            var result = await http.Request.BodyReader.ReadAsync(TestContext.Current.CancellationToken);
            while (!result.IsCompleted)
            {
                http.Request.BodyReader.AdvanceTo(result.Buffer.Start, result.Buffer.End);
                result = await http.Request.BodyReader.ReadAsync(TestContext.Current.CancellationToken);
            }

            read = Encoding.UTF8.GetString(result.Buffer);
            http.Request.BodyReader.AdvanceTo(result.Buffer.End);
        });

        await middleware.InvokeAsync(context);

        Assert.Equal("replaced", read);
    }

    private static DefaultHttpContext Request(string method, string path, string? body)
    {
        var context = new DefaultHttpContext();
        context.Request.Method = method;
        context.Request.Path = path;
        if (body is not null)
        {
            context.Request.Body = new MemoryStream(Encoding.UTF8.GetBytes(body));
            context.Request.ContentLength = Encoding.UTF8.GetByteCount(body);
        }

        return context;
    }

    private static Task<bool> OnOtherThread(Func<Task> work) => OtherThread.Runs(async () =>
    {
        await work();
        return true;
    });

    private sealed class NoBody : IHttpRequestBodyDetectionFeature
    {
        public bool CanHaveBody => false;
    }
}
