// SPDX-License-Identifier: Apache-2.0
using Nimbus.Init.Protocol;
using Nimbus.Init.Tests.Support;

namespace Nimbus.Init.Tests.Extensions;

/// <summary>
/// The end of the post-invoke phase is told to the host exactly once per invocation: on the runtime's answer
/// (<c>post-invoke-done: 1</c>) when every INVOKE extension was already back at /event/next, else by an InvokeDone
/// frame when the last one comes back.
/// </summary>
public sealed class PostInvokeTests
{
    private const string Register = "/2020-01-01/extension/register";
    private const string ExtensionNext = "/2020-01-01/extension/event/next";
    private const string RuntimeNext = "/2018-06-01/runtime/invocation/next";

    [Fact]
    public async Task PostInvokeEnd_IsToldOnce_WithTheAnswerOrByInvokeDone()
    {
        await using var host = await FakeHost.StartAsync();
        using var extension = await RawHttpClient.ConnectAsync(host.RuntimeApi);
        var registered = await extension.RequestAsync("POST", Register, """{"events":["INVOKE"]}""", "Lambda-Extension-Name: agent");
        var identifier = $"Lambda-Extension-Identifier: {registered.Headers["Lambda-Extension-Identifier"]}";
        await extension.SendHeadAsync("GET", ExtensionNext, identifier);
        using var runtime = await RawHttpClient.ConnectAsync(host.RuntimeApi);
        await runtime.SendHeadAsync("GET", RuntimeNext);
        var ready = await host.ExpectAsync(FrameType.Ready);
        Assert.Equal("1", ready.Header(FrameHeaders.InvokeExtensions));

        for (var i = 0; i < 10; i++)
        {
            var requestId = $"req-{i}";
            var extensionFirst = i % 2 == 0;
            await host.InvokeAsync(requestId, "{}");
            Assert.Equal(200, (await runtime.ReadResponseAsync()).Status);
            Assert.Equal(200, (await extension.ReadResponseAsync()).Status);
            if (extensionFirst)
            {
                await extension.SendHeadAsync("GET", ExtensionNext, identifier);
            }

            Assert.Equal(202, (await runtime.RequestAsync("POST", $"/2018-06-01/runtime/invocation/{requestId}/response", "{}")).Status);
            var answer = await host.ExpectAsync(FrameType.Response);
            var settled = answer.Header(FrameHeaders.PostInvokeDone) == "1";
            if (!extensionFirst)
            {
                // The extension is still busy with the INVOKE event: the answer cannot end the phase.
                Assert.False(settled);
                await extension.SendHeadAsync("GET", ExtensionNext, identifier);
            }

            if (!settled)
            {
                var done = await host.ExpectAsync(FrameType.InvokeDone);
                Assert.Equal(requestId, done.Header(FrameHeaders.RequestId));
            }

            // A second InvokeDone for the same invocation would arrive before the next Response and fail ExpectAsync there.
            await runtime.SendHeadAsync("GET", RuntimeNext);
        }

        await host.InvokeAsync("last", "{}");
        Assert.Equal(200, (await runtime.ReadResponseAsync()).Status);
        Assert.Equal(200, (await extension.ReadResponseAsync()).Status);
        Assert.Equal(202, (await runtime.RequestAsync("POST", "/2018-06-01/runtime/invocation/last/response", "{}")).Status);
        Assert.Equal("last", (await host.ExpectAsync(FrameType.Response)).Header(FrameHeaders.RequestId));
    }
}
