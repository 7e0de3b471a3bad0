// SPDX-License-Identifier: Apache-2.0
using System.Text;
using Nimbus.Execution.Environments;

namespace Nimbus.Execution.Tests.Environments;

public sealed class LogBufferTests
{
    [Fact]
    public void Append_SeveralLinesInOneChunk_SplitsAtNewlines()
    {
        var buffer = new LogBuffer();

        buffer.Append("one\ntwo\nthree\n"u8);

        Assert.Equal(["one", "two", "three"], buffer.Drain());
    }

    [Fact]
    public void Append_LineSplitAcrossChunks_JoinsTheParts()
    {
        var buffer = new LogBuffer();

        buffer.Append("hel"u8);
        buffer.Append("lo wo"u8);
        buffer.Append("rld\nnext\n"u8);

        Assert.Equal(["hello world", "next"], buffer.Drain());
    }

    [Fact]
    public void Append_CrLf_DropsTheCarriageReturn()
    {
        var buffer = new LogBuffer();

        buffer.Append("windows\r\nline\r\n"u8);

        Assert.Equal(["windows", "line"], buffer.Drain());
    }

    [Fact]
    public void Append_CrLfSplitBetweenChunks_DropsTheCarriageReturn()
    {
        var buffer = new LogBuffer();

        buffer.Append("split\r"u8);
        buffer.Append("\nafter\n"u8);

        Assert.Equal(["split", "after"], buffer.Drain());
    }

    [Fact]
    public void Append_CarriageReturnInsideLine_KeepsIt()
    {
        // The Python runtime client writes multi-line records with '\r' so that they stay one log event.
        var buffer = new LogBuffer();

        buffer.Append("Traceback:\r  File x\n"u8);

        Assert.Equal(["Traceback:\r  File x"], buffer.Drain());
    }

    [Fact]
    public void Append_EmptyLines_KeepsThem()
    {
        var buffer = new LogBuffer();

        buffer.Append("a\n\nb\n"u8);

        Assert.Equal(["a", "", "b"], buffer.Drain());
    }

    [Fact]
    public void Append_Utf8CharacterSplitAcrossChunks_DecodesIt()
    {
        var bytes = Encoding.UTF8.GetBytes("grüße 😀\n");
        var buffer = new LogBuffer();

        // Feed one byte at a time: every multi-byte sequence is split.
        for (var i = 0; i < bytes.Length; i++)
        {
            buffer.Append(bytes.AsSpan(i, 1));
        }

        Assert.Equal(["grüße 😀"], buffer.Drain());
    }

    [Fact]
    public void Drain_UnfinishedLastLine_ReturnsItAsALine()
    {
        var buffer = new LogBuffer();

        buffer.Append("done\nno newline"u8);

        Assert.Equal(["done", "no newline"], buffer.Drain());
    }

    [Fact]
    public void Drain_Twice_SecondReturnsOnlyNewLines()
    {
        var buffer = new LogBuffer();
        buffer.Append("first\npart"u8);
        _ = buffer.Drain();

        buffer.Append("second\n"u8);

        Assert.Equal(["second"], buffer.Drain());
    }

    [Fact]
    public void Drain_NothingAppended_ReturnsEmpty()
    {
        var buffer = new LogBuffer();

        Assert.Empty(buffer.Drain());
    }

    [Fact]
    public void Drain_ReturnedList_IsNotChangedByLaterAppends()
    {
        var buffer = new LogBuffer();
        buffer.Append("a\n"u8);
        var drained = buffer.Drain();

        buffer.Append("b\n"u8);

        Assert.Equal(["a"], drained);
    }

    [Fact]
    public void Add_BetweenAppends_KeepsOrder()
    {
        var buffer = new LogBuffer();

        buffer.Append("runtime\n"u8);
        buffer.Add("platform");
        buffer.Append("again\n"u8);

        Assert.Equal(["runtime", "platform", "again"], buffer.Drain());
    }
}
