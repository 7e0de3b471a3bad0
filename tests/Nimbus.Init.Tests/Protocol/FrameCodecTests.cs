// SPDX-License-Identifier: Apache-2.0
using Nimbus.Init.Protocol;

namespace Nimbus.Init.Tests.Protocol;

public sealed class FrameCodecTests
{
    [Fact]
    public async Task WriteThenRead_RepeatedHeadersAndBody_RoundTrip()
    {
        using var stream = new MemoryStream();
        var frame = new Frame(FrameType.Start, [new(FrameHeaders.Command, "/var/task/bootstrap"), new(FrameHeaders.Argument, "a"), new(FrameHeaders.Argument, "é"), new(FrameHeaders.Environment, "")], new byte[] { 1, 2, 3 });

        await FrameCodec.WriteAsync(stream, frame, TestContext.Current.CancellationToken);
        stream.Position = 0;
        var read = await FrameCodec.ReadAsync(stream, TestContext.Current.CancellationToken);

        Assert.NotNull(read);
        Assert.Equal(FrameType.Start, read.Type);
        Assert.Equal(frame.Headers, read.Headers);
        Assert.Equal([1, 2, 3], read.Body.ToArray());
        Assert.Null(await FrameCodec.ReadAsync(stream, TestContext.Current.CancellationToken));
    }

    [Fact]
    public void Parse_HeaderRunningPastTheEnd_ThrowsInvalidData()
    {
        byte[] data = [(byte)FrameType.Log, 1, 0, 200, 0, (byte)'x'];

        Assert.Throws<InvalidDataException>(() => FrameCodec.Parse(data));
    }

    [Fact]
    public void Parse_ValueLengthPastTheEnd_ThrowsInvalidData()
    {
        byte[] data = [(byte)FrameType.Log, 1, 0, 1, 0, (byte)'x', 255, 255, 255, 255];

        Assert.Throws<InvalidDataException>(() => FrameCodec.Parse(data));
    }

    [Fact]
    public async Task Write_HeaderNameOver64KiB_ThrowsInvalidData()
    {
        var frame = new Frame(FrameType.Log, [new(new string('n', 70000), "v")]);

        await Assert.ThrowsAsync<InvalidDataException>(async () => await FrameCodec.WriteAsync(Stream.Null, frame, TestContext.Current.CancellationToken));
    }
}
