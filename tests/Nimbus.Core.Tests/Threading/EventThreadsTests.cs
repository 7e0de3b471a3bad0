// SPDX-License-Identifier: Apache-2.0
using System.Net;
using System.Text;
using Nimbus.Core.Threading;
using Nimbus.TestKit;

namespace Nimbus.Core.Tests.Threading;

public sealed class EventThreadsTests
{
    [Fact]
    public Task Leave_OnThePool_CompletesAtOnce() => Task.Run(
        () =>
        {
            Assert.False(EventThreads.OnEventThread);
            Assert.True(EventThreads.Leave().IsCompleted);
        },
        TestContext.Current.CancellationToken);

    [Fact]
    public async Task Leave_OnAnotherThread_GoesOnOnThePool()
    {
        var onPool = await OtherThread.Runs(async () =>
        {
            Assert.True(EventThreads.OnEventThread);
            await EventThreads.Leave();
            return Thread.CurrentThread.IsThreadPoolThread;
        });

        Assert.True(onPool);
    }

    [Fact]
    public Task PoolResumingStream_ReadCompletedOnAnotherThread_GoesOnOnThePool() => OnPool(async cancellationToken =>
    {
        var buffer = new byte[16];

        // Without it the reader goes on on the thread that completed the read (the test can tell).
        var bare = new LateStream("abc"u8.ToArray());
        _ = await bare.ReadAsync(buffer, cancellationToken);
        Assert.False(Thread.CurrentThread.IsThreadPoolThread);
        await EventThreads.Leave();

        using var stream = new PoolResumingStream(new LateStream("abc"u8.ToArray()));
        var read = await stream.ReadAsync(buffer, cancellationToken);

        Assert.True(Thread.CurrentThread.IsThreadPoolThread);
        Assert.Equal("abc", Encoding.UTF8.GetString(buffer, 0, read));
    });

    [Fact]
    public Task PoolResumingStream_ReadCompletedAtOnce_ReadsThrough() => OnPool(async cancellationToken =>
    {
        using var stream = new PoolResumingStream(new MemoryStream("hello"u8.ToArray()));
        using var copy = new MemoryStream();

        await stream.CopyToAsync(copy, cancellationToken);

        Assert.Equal("hello", Encoding.UTF8.GetString(copy.ToArray()));
    });

    [Fact]
    public Task PoolResumingHandler_AnswerAndBodyOnAnotherThread_GoOnOnThePool() => OnPool(async cancellationToken =>
    {
        using var client = new HttpClient(new PoolResumingHandler(new LateHandler()));

        using var response = await client.GetAsync(new Uri("http://example.invalid/"), HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        var afterAnswer = Thread.CurrentThread.IsThreadPoolThread;
        await using var body = await response.Content.ReadAsStreamAsync(cancellationToken);
        var buffer = new byte[64];
        var read = await body.ReadAsync(buffer, cancellationToken);
        var afterRead = Thread.CurrentThread.IsThreadPoolThread;

        Assert.True(afterAnswer);
        Assert.True(afterRead);
        Assert.Equal("late body", Encoding.UTF8.GetString(buffer, 0, read));
        Assert.Equal("text/plain", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(9, response.Content.Headers.ContentLength);
        using var whole = await client.GetAsync(new Uri("http://example.invalid/"), cancellationToken);
        Assert.Equal("late body", await whole.Content.ReadAsStringAsync(cancellationToken));
    });

    /// <summary>Runs on the pool, where no synchronization context brings continuations back to the test's thread.</summary>
    private static Task OnPool(Func<CancellationToken, Task> test) =>
        Task.Run(() => test(TestContext.Current.CancellationToken), TestContext.Current.CancellationToken);

    /// <summary>Answers from another thread, with a body whose reads complete on other threads.</summary>
    private sealed class LateHandler : HttpMessageHandler
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            _ = await OtherThread.Completes(true);
            var content = new StreamContent(new LateStream("late body"u8.ToArray()));
            content.Headers.ContentType = new("text/plain");
            content.Headers.ContentLength = 9;
            return new HttpResponseMessage(HttpStatusCode.OK) { Content = content };
        }
    }
}
