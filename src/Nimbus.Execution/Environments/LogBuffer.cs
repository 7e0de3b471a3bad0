// SPDX-License-Identifier: Apache-2.0
using System.Buffers;
using System.Text;

namespace Nimbus.Execution.Environments;

/// <summary>
/// Splits the runtime's output into lines; a line is complete at '\n', when the buffer is drained, or once it holds
/// <see cref="MaxLineBytes"/> (a longer line becomes several log events, as CloudWatch Logs' event size requires).
/// What waits here is bounded whatever the function writes: once lines of more than <see cref="SpillChars"/> wait (each
/// counted with <see cref="LineOverhead"/>, so that empty lines count too), or the oldest line waited
/// <see cref="SpillAfter"/>, every line but the last <see cref="TailChars"/> goes to the spill target (the function's
/// log, while the phase goes on: a long invocation's output shows up as it runs, as on AWS) or, without a target (a
/// stem cell not yet given a function, whose output is dropped anyway), is dropped. The last lines stay for the
/// invocation's log tail (LogType=Tail: its last 4 KB).
/// </summary>
internal sealed class LogBuffer
{
    /// <summary>
    /// The longest line kept as one log event, in UTF-8 bytes: CloudWatch Logs' event limit (256 KB) less its 26 bytes
    /// of overhead per event. Where AWS Lambda cuts a longer line is not documented; Nimbus cuts at a character boundary.
    /// </summary>
    public const int MaxLineBytes = 262_144 - 26;

    /// <summary>Characters of complete lines held before they are handed on mid-phase.</summary>
    public const int SpillChars = 1024 * 1024;

    /// <summary>What a line counts besides its characters (CloudWatch Logs' overhead per event).</summary>
    public const int LineOverhead = 26;

    /// <summary>
    /// Characters of the last lines kept back when spilling, each with its newline: at least the 4 KB a log tail shows.
    /// </summary>
    public const int TailChars = 4096;

    /// <summary>How long a line may wait for the end of its phase once more than the tail is held.</summary>
    public static readonly TimeSpan SpillAfter = TimeSpan.FromSeconds(1);

    private readonly Lock _lock = new();
    private readonly TimeProvider _time;
    private readonly Decoder _decoder = Encoding.UTF8.GetDecoder();
    private readonly StringBuilder _partial = new();
    private List<string> _lines = [];
    private int _partialBytes;
    private long _heldChars;
    private long _oldestAt;
    private Action<List<string>>? _spill;

    public LogBuffer(TimeProvider time)
    {
        _time = time;
    }

    /// <summary>
    /// Where held lines go while a phase runs: called under this buffer's lock, in order, so it must not block (the
    /// function log writer's queue).
    /// </summary>
    public void SpillTo(Action<List<string>> spill)
    {
        lock (_lock)
        {
            _spill = spill;
        }
    }

    public void Append(ReadOnlySpan<byte> bytes)
    {
        var chars = ArrayPool<char>.Shared.Rent(Encoding.UTF8.GetMaxCharCount(bytes.Length));
        try
        {
            lock (_lock)
            {
                var count = _decoder.GetChars(bytes, chars, flush: false);
                var text = chars.AsSpan(0, count);
                while (true)
                {
                    var newline = text.IndexOf('\n');
                    if (newline < 0)
                    {
                        AppendPartial(text);
                        break;
                    }

                    AppendPartial(text[..newline]);
                    CompleteLine();
                    text = text[(newline + 1)..];
                }

                SpillIfDue();
            }
        }
        finally
        {
            ArrayPool<char>.Shared.Return(chars);
        }
    }

    public void Add(string line)
    {
        lock (_lock)
        {
            Hold(line);
        }
    }

    /// <summary>Takes every line so far, including an unfinished last one.</summary>
    public List<string> Drain()
    {
        lock (_lock)
        {
            if (_partial.Length > 0)
            {
                CompleteLine();
            }

            var lines = _lines;
            _lines = [];
            _heldChars = 0;
            return lines;
        }
    }

    /// <summary>Adds to the unfinished line, completing it each time it reaches <see cref="MaxLineBytes"/>.</summary>
    private void AppendPartial(ReadOnlySpan<char> text)
    {
        while (!text.IsEmpty)
        {
            var bytes = Encoding.UTF8.GetByteCount(text);
            if (_partialBytes + bytes <= MaxLineBytes)
            {
                _partial.Append(text);
                _partialBytes += bytes;
                return;
            }

            var fits = CharsWithin(text, MaxLineBytes - _partialBytes);
            _partial.Append(text[..fits]);
            _partialBytes = MaxLineBytes;
            CompleteLine(trimCarriageReturn: false);
            text = text[fits..];
        }
    }

    /// <summary>How many of <paramref name="text"/>'s characters fit in <paramref name="budget"/> UTF-8 bytes, never splitting a surrogate pair.</summary>
    private static int CharsWithin(ReadOnlySpan<char> text, int budget)
    {
        var used = 0;
        var i = 0;
        while (i < text.Length)
        {
            var pair = char.IsHighSurrogate(text[i]) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]);
            var size = pair ? 4 : text[i] < 0x80 ? 1 : text[i] < 0x800 ? 2 : 3;
            if (used + size > budget)
            {
                break;
            }

            used += size;
            i += pair ? 2 : 1;
        }

        return i;
    }

    private void CompleteLine(bool trimCarriageReturn = true)
    {
        var line = _partial.ToString();
        _partial.Clear();
        _partialBytes = 0;
        Hold(trimCarriageReturn ? line.TrimEnd('\r') : line);
    }

    private void Hold(string line)
    {
        if (_lines.Count == 0)
        {
            _oldestAt = _time.GetTimestamp();
        }

        _lines.Add(line);
        _heldChars += line.Length + LineOverhead;
    }

    /// <summary>Hands on (or drops) all but the tail once too much waits or the oldest line waited too long.</summary>
    private void SpillIfDue()
    {
        if (_heldChars <= TailChars || (_heldChars <= SpillChars && _time.GetElapsedTime(_oldestAt) < SpillAfter))
        {
            return;
        }

        var tail = 0L;
        var held = 0L;
        var first = _lines.Count;
        while (first > 0 && tail < TailChars)
        {
            first--;
            tail += _lines[first].Length + 1;
            held += _lines[first].Length + LineOverhead;
        }

        if (first == 0)
        {
            return;
        }

        var spilled = _lines.GetRange(0, first);
        _lines.RemoveRange(0, first);
        _heldChars = held;
        _oldestAt = _time.GetTimestamp();
        _spill?.Invoke(spilled);
    }
}
