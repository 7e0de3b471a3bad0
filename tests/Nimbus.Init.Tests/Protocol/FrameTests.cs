// SPDX-License-Identifier: Apache-2.0
using Nimbus.Init.Protocol;
using Nimbus.TestKit;

namespace Nimbus.Init.Tests.Protocol;

public sealed class FrameTests
{
    [Fact]
    public void Header_FirstValueOrNull()
    {
        var frame = new Frame(FrameType.Invoke, [new(FrameHeaders.RequestId, "a"), new(FrameHeaders.RequestId, "b"), new(FrameHeaders.TraceId, "t")]);

        Assert.Equal("a", frame.Header(FrameHeaders.RequestId));
        Assert.Equal("t", frame.Header(FrameHeaders.TraceId));
        Assert.Null(frame.Header(FrameHeaders.ClientContext));
        Assert.Null(new Frame(FrameType.Invoke).Header(FrameHeaders.RequestId));
    }

    [Fact]
    public void Header_OfListOrArray_AllocatesNothing()
    {
        // Read several times per invocation (the event's headers for the runtime's /next): an enumerator made per call
        // over the interface was an allocation each.
        var fromList = new Frame(FrameType.Invoke, new List<KeyValuePair<string, string>> { new(FrameHeaders.RequestId, "r"), new(FrameHeaders.DeadlineMs, "1") });
        var fromArray = new Frame(FrameType.Response, [new(FrameHeaders.RequestId, "r"), new(FrameHeaders.ContentType, "application/json")]);
        _ = fromList.Header(FrameHeaders.TraceId);
        _ = fromArray.Header(FrameHeaders.TraceId);

        var allocated = Allocations.LeastOf(
            () =>
            {
                for (var i = 0; i < 100; i++)
                {
                    _ = fromList.Header(FrameHeaders.TraceId);
                    _ = fromArray.Header(FrameHeaders.ContentType);
                }
            },
            rounds: 5);

        Assert.Equal(0, allocated);
    }
}
