// SPDX-License-Identifier: Apache-2.0
using System.Text;
using Microsoft.Extensions.Time.Testing;
using Nimbus.Execution.Environments;

namespace Nimbus.Execution.Tests.Environments;

public sealed class LogBufferTests
{
    [Fact]
    public void Append_SeveralLinesInOneChunk_SplitsAtNewlines()
    {
        var buffer = new LogBuffer(TimeProvider.System);

        buffer.Append("one\ntwo\nthree\n"u8);

        Assert.Equal(["one", "two", "three"], buffer.Drain());
    }

    [Fact]
    public void Append_LineSplitAcrossChunks_JoinsTheParts()
    {
        var buffer = new LogBuffer(TimeProvider.System);

        buffer.Append("hel"u8);
        buffer.Append("lo wo"u8);
        buffer.Append("rld\nnext\n"u8);

        Assert.Equal(["hello world", "next"], buffer.Drain());
    }

    [Fact]
    public void Append_CrLf_DropsTheCarriageReturn()
    {
        var buffer = new LogBuffer(TimeProvider.System);

        buffer.Append("windows\r\nline\r\n"u8);

        Assert.Equal(["windows", "line"], buffer.Drain());
    }

    [Fact]
    public void Append_CrLfSplitBetweenChunks_DropsTheCarriageReturn()
    {
        var buffer = new LogBuffer(TimeProvider.System);

        buffer.Append("split\r"u8);
        buffer.Append("\nafter\n"u8);

        Assert.Equal(["split", "after"], buffer.Drain());
    }

    [Fact]
    public void Append_CarriageReturnInsideLine_KeepsIt()
    {
        // The Python runtime client writes multi-line records with '\r' so that they stay one log event.
        var buffer = new LogBuffer(TimeProvider.System);

        buffer.Append("Traceback:\r  File x\n"u8);

        Assert.Equal(["Traceback:\r  File x"], buffer.Drain());
    }

    [Fact]
    public void Append_EmptyLines_KeepsThem()
    {
        var buffer = new LogBuffer(TimeProvider.System);

        buffer.Append("a\n\nb\n"u8);

        Assert.Equal(["a", "", "b"], buffer.Drain());
    }

    [Fact]
    public void Append_Utf8CharacterSplitAcrossChunks_DecodesIt()
    {
        var bytes = Encoding.UTF8.GetBytes("grüße 😀\n");
        var buffer = new LogBuffer(TimeProvider.System);

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
        var buffer = new LogBuffer(TimeProvider.System);

        buffer.Append("done\nno newline"u8);

        Assert.Equal(["done", "no newline"], buffer.Drain());
    }

    [Fact]
    public void Drain_Twice_SecondReturnsOnlyNewLines()
    {
        var buffer = new LogBuffer(TimeProvider.System);
        buffer.Append("first\npart"u8);
        _ = buffer.Drain();

        buffer.Append("second\n"u8);

        Assert.Equal(["second"], buffer.Drain());
    }

    [Fact]
    public void Drain_NothingAppended_ReturnsEmpty()
    {
        var buffer = new LogBuffer(TimeProvider.System);

        Assert.Empty(buffer.Drain());
    }

    [Fact]
    public void Drain_ReturnedList_IsNotChangedByLaterAppends()
    {
        var buffer = new LogBuffer(TimeProvider.System);
        buffer.Append("a\n"u8);
        var drained = buffer.Drain();

        buffer.Append("b\n"u8);

        Assert.Equal(["a"], drained);
    }

    [Fact]
    public void Add_BetweenAppends_KeepsOrder()
    {
        var buffer = new LogBuffer(TimeProvider.System);

        buffer.Append("runtime\n"u8);
        buffer.Add("platform");
        buffer.Append("again\n"u8);

        Assert.Equal(["runtime", "platform", "again"], buffer.Drain());
    }

    [Fact]
    public void Append_LineLongerThanAnEvent_CutsItIntoEventsOfTheLimit()
    {
        var text = new string('x', 2 * LogBuffer.MaxLineBytes + 1000);
        var buffer = new LogBuffer(TimeProvider.System);

        buffer.Append(Encoding.UTF8.GetBytes(text + "\nafter\n"));

        var lines = buffer.Drain();
        Assert.Equal([LogBuffer.MaxLineBytes, LogBuffer.MaxLineBytes, 1000, 5], lines.Select(l => l.Length));
        Assert.Equal(text, string.Concat(lines.Take(3)));
    }

    [Fact]
    public void Append_LongMultiByteLineInSmallChunks_CutsAtCharacterBoundariesWithinTheLimit()
    {
        // 3-byte and 4-byte (surrogate pair) characters, so that the limit falls inside a character.
        var text = string.Concat(Enumerable.Repeat("€😀a", 70_000));
        var bytes = Encoding.UTF8.GetBytes(text);
        var buffer = new LogBuffer(TimeProvider.System);

        for (var i = 0; i < bytes.Length; i += 4093)
        {
            buffer.Append(bytes.AsSpan(i, Math.Min(4093, bytes.Length - i)));
        }

        var lines = buffer.Drain();
        Assert.True(lines.Count > 1);
        Assert.All(lines, line =>
        {
            Assert.InRange(Encoding.UTF8.GetByteCount(line), 1, LogBuffer.MaxLineBytes);
            Assert.False(char.IsHighSurrogate(line[^1]));
            Assert.False(char.IsLowSurrogate(line[0]));
        });
        Assert.Equal(text, string.Concat(lines));
    }

    [Fact]
    public void Append_MoreThanSpillChars_HandsOnAllButTheTailInOrder()
    {
        var spilled = new List<string>();
        var buffer = new LogBuffer(TimeProvider.System);
        buffer.SpillTo(spilled.AddRange);
        var written = Enumerable.Range(0, 30_000).Select(i => $"line {i} " + new string('.', 80)).ToList();

        foreach (var line in written)
        {
            buffer.Append(Encoding.UTF8.GetBytes(line + "\n"));
        }

        var held = buffer.Drain();
        Assert.NotEmpty(spilled);
        Assert.InRange(held.Sum(l => l.Length), LogBuffer.TailChars, LogBuffer.SpillChars + 100);
        Assert.Equal(written, spilled.Concat(held));
    }

    [Fact]
    public void Append_MoreThanSpillCharsWithoutATarget_KeepsOnlyTheLastLines()
    {
        var buffer = new LogBuffer(TimeProvider.System);
        var written = Enumerable.Range(0, 30_000).Select(i => $"line {i} " + new string('.', 80)).ToList();

        foreach (var line in written)
        {
            buffer.Append(Encoding.UTF8.GetBytes(line + "\n"));
        }

        var held = buffer.Drain();
        Assert.InRange(held.Sum(l => l.Length), LogBuffer.TailChars, LogBuffer.SpillChars + 100);
        Assert.Equal(written.TakeLast(held.Count), held);
    }

    [Fact]
    public void Append_AfterTheOldestLineWaitedSpillAfter_HandsOnAllButTheTail()
    {
        var time = new FakeTimeProvider();
        var spilled = new List<string>();
        var buffer = new LogBuffer(time);
        buffer.SpillTo(spilled.AddRange);
        buffer.Add("START");
        buffer.Append(Encoding.UTF8.GetBytes(new string('a', LogBuffer.TailChars) + "\n"));
        time.Advance(LogBuffer.SpillAfter - TimeSpan.FromMilliseconds(1));
        buffer.Append("not yet\n"u8);
        Assert.Empty(spilled);

        time.Advance(TimeSpan.FromMilliseconds(1));
        buffer.Append("late\n"u8);

        Assert.Equal(["START"], spilled);
        Assert.Equal([new string('a', LogBuffer.TailChars), "not yet", "late"], buffer.Drain());
    }

    [Fact]
    public void Append_LessThanTheTailHeldLong_WaitsForTheDrain()
    {
        var time = new FakeTimeProvider();
        var spilled = new List<string>();
        var buffer = new LogBuffer(time);
        buffer.SpillTo(spilled.AddRange);
        buffer.Append("early\n"u8);

        time.Advance(LogBuffer.SpillAfter * 10);
        buffer.Append("late\n"u8);

        Assert.Empty(spilled);
        Assert.Equal(["early", "late"], buffer.Drain());
    }

    [Fact]
    public void Append_EmptyLinesWithoutEnd_AreHandedOnToo()
    {
        // Each line counts with its overhead: empty lines alone reach the limit, and the tail keeps 4,096 of them.
        var spilled = new List<string>();
        var buffer = new LogBuffer(TimeProvider.System);
        buffer.SpillTo(spilled.AddRange);

        var newlines = Enumerable.Repeat((byte)'\n', 1000).ToArray();
        for (var i = 0; i < 100; i++)
        {
            buffer.Append(newlines);
        }

        var held = buffer.Drain();
        Assert.NotEmpty(spilled);
        Assert.Equal(100_000, spilled.Count + held.Count);
        Assert.InRange(held.Count, LogBuffer.TailChars, LogBuffer.SpillChars / LogBuffer.LineOverhead + 1000);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    public void Append_RandomTextInRandomChunks_GivesEveryLineOnceInOrderWithinTheLimits(int seed)
    {
        // Fuzz pass: ASCII, 2-, 3- and 4-byte characters, CRs, empty and very long lines, cut into random chunks; what
        // is handed on plus what is drained is the text's lines, each cut at MaxLineBytes between characters.
        var random = new Random(seed);
        string[] pieces = ["a", "é", "€", "😀", "\r", "\n", "\n\n", new string('z', 70_000)];
        var text = new StringBuilder();
        while (text.Length < 3_000_000)
        {
            text.Append(pieces[random.Next(pieces.Length)]);
        }

        var bytes = Encoding.UTF8.GetBytes(text.ToString());
        var spilled = new List<string>();
        var buffer = new LogBuffer(TimeProvider.System);
        buffer.SpillTo(spilled.AddRange);
        for (var offset = 0; offset < bytes.Length;)
        {
            var length = Math.Min(bytes.Length - offset, random.Next(1, 70_000));
            buffer.Append(bytes.AsSpan(offset, length));
            offset += length;
        }

        var lines = spilled.Concat(buffer.Drain()).ToList();
        Assert.All(lines, line => Assert.InRange(Encoding.UTF8.GetByteCount(line), 0, LogBuffer.MaxLineBytes));
        Assert.DoesNotContain(lines, line => line.Contains('\uFFFD', StringComparison.Ordinal));
        Assert.Equal(Expected(text.ToString()), lines);
    }

    [Fact]
    public void Append_InvalidUtf8_NeitherThrowsNorHoldsMoreThanTheLimits()
    {
        var random = new Random(5);
        var bytes = new byte[2_000_000];
        random.NextBytes(bytes);
        var spilled = 0L;
        var buffer = new LogBuffer(TimeProvider.System);
        buffer.SpillTo(lines => spilled += lines.Count);

        for (var offset = 0; offset < bytes.Length; offset += 4099)
        {
            buffer.Append(bytes.AsSpan(offset, Math.Min(4099, bytes.Length - offset)));
        }

        var held = buffer.Drain();
        Assert.True(spilled > 0);
        Assert.InRange(held.Sum(l => l.Length + LogBuffer.LineOverhead), 0, LogBuffer.SpillChars + LogBuffer.MaxLineBytes);
        Assert.All(held, line => Assert.InRange(Encoding.UTF8.GetByteCount(line), 0, LogBuffer.MaxLineBytes));
    }

    /// <summary>The lines of <paramref name="text"/> as the buffer gives them: split at '\n', one final '\r' dropped, cut at the limit.</summary>
    private static List<string> Expected(string text)
    {
        var lines = new List<string>();
        var parts = text.Split('\n');
        for (var i = 0; i < parts.Length; i++)
        {
            var line = parts[i];
            if (i == parts.Length - 1 && line.Length == 0)
            {
                break;
            }

            var cuts = new List<string>();
            while (Encoding.UTF8.GetByteCount(line) > LogBuffer.MaxLineBytes)
            {
                var fits = 0;
                var used = 0;
                while (fits < line.Length)
                {
                    var size = char.IsHighSurrogate(line[fits]) ? 4 : Encoding.UTF8.GetByteCount(line.AsSpan(fits, 1));
                    if (used + size > LogBuffer.MaxLineBytes)
                    {
                        break;
                    }

                    used += size;
                    fits += char.IsHighSurrogate(line[fits]) ? 2 : 1;
                }

                cuts.Add(line[..fits]);
                line = line[fits..];
            }

            cuts.Add(line.TrimEnd('\r'));
            lines.AddRange(cuts);
        }

        return lines;
    }
}
