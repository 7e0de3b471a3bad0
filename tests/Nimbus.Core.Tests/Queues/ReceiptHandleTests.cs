// SPDX-License-Identifier: Apache-2.0
using Nimbus.Core.Queues;

namespace Nimbus.Core.Tests.Queues;

public sealed class ReceiptHandleTests
{
    [Fact]
    public void Encode_ThenDecode_RoundTrips()
    {
        var handle = new ReceiptHandle(7, 123_456_789_012, -42);

        Assert.True(ReceiptHandle.TryDecode(handle.Encode(), out var decoded));
        Assert.Equal(handle, decoded);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("not-a-handle")]
    [InlineData("AAAA")]
    [InlineData("AgAAAAAAAAAHAAAAHL6RThQA//////////8=")]
    public void TryDecode_Garbage_IsFalse(string? text) => Assert.False(ReceiptHandle.TryDecode(text, out _));
}
