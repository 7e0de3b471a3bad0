// SPDX-License-Identifier: Apache-2.0
using System.Text;
using Nimbus.Execution.Sandboxes;

namespace Nimbus.Execution.Tests.Sandboxes;

/// <summary>The line reader of helpers' pipes (runc's and its container init's output, slirp4netns's).</summary>
public sealed class PipeLinesTests
{
    [Fact]
    public async Task ForwardAsync_Lines_SplitsTrimsCarriageReturnsAndCutsLongOnes()
    {
        var text = "one\r\ntwo\n" + new string('x', PipeLines.MaxLineBytes + 10) + "\nlast without newline";
        var lines = new List<string>();

        await PipeLines.ForwardAsync(new TrickleStream(Encoding.UTF8.GetBytes(text)), lines.Add);

        Assert.Equal(["one", "two", new string('x', PipeLines.MaxLineBytes), new string('x', 10), "last without newline"], lines);
    }

    [Fact]
    public async Task ForwardAsync_LongLineOfMultiByteCharacters_CutsBetweenCharacters()
    {
        var text = string.Concat(Enumerable.Repeat("€😀", 3000));
        var lines = new List<string>();

        await PipeLines.ForwardAsync(new TrickleStream(Encoding.UTF8.GetBytes(text + "\n")), lines.Add);

        Assert.True(lines.Count > 1);
        Assert.All(lines, l => Assert.InRange(Encoding.UTF8.GetByteCount(l), 1, PipeLines.MaxLineBytes));
        Assert.Equal(text, string.Concat(lines));
    }

    /// <summary>Gives its bytes a few at a time, so that lines arrive in pieces.</summary>
    private sealed class TrickleStream(byte[] bytes) : MemoryStream(bytes)
    {
        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            base.ReadAsync(buffer[..Math.Min(buffer.Length, 7)], cancellationToken);
    }
}
